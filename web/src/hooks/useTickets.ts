// Every ticket of a workflow, kept current by the live event stream.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react'

import { api, ApiError, enc, query } from '../api/client'
import type { Ticket, TicketDetail, TicketPage } from '../api/types'
import { planRefresh } from '../lib/live'
import { useLive, useLiveEvents } from './useLive'

const PAGE = 500
/** Without a hello from the stream by then, load anyway. */
const LOAD_WITHOUT_STREAM_MS = 2500

export async function loadAllTickets(workflowId: string, signal?: AbortSignal): Promise<Ticket[]> {
  const out: Ticket[] = []
  let cursor: string | null = null
  do {
    const page: TicketPage = await api.get<TicketPage>(
      `/api/tickets${query({ workflow_id: workflowId, limit: PAGE, cursor })}`,
      { signal },
    )
    out.push(...page.tickets)
    cursor = page.next_cursor
  } while (cursor)
  return out
}

/** The plain ticket fields of a detail answer. */
export function ticketOf(detail: TicketDetail): Ticket {
  const { blocked_by, blocks, comments, history, tasks, commits, ...ticket } = detail
  void blocked_by
  void blocks
  void comments
  void history
  void tasks
  void commits
  return ticket
}

export interface TicketsState {
  tickets: Ticket[]
  byId: Map<string, Ticket>
  loading: boolean
  error: ApiError | null
  /** Replaces one ticket locally (after a write this client made). */
  put(ticket: Ticket): void
  reload(): void
}

export function useTickets(workflowId: string | null): TicketsState {
  const live = useLive()
  const [byId, setById] = useState<Map<string, Ticket>>(new Map())
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ApiError | null>(null)
  const [reloads, setReloads] = useState(0)
  const workflowRef = useRef(workflowId)
  workflowRef.current = workflowId

  const reload = useCallback(() => setReloads((n) => n + 1), [])

  // Load once the stream has said hello (so no change falls between the
  // snapshot and the stream), or after a short wait without one.
  const [timedOut, setTimedOut] = useState(false)
  useEffect(() => {
    setTimedOut(false)
    setById(new Map())
    setLoading(true)
    const timer = setTimeout(() => setTimedOut(true), LOAD_WITHOUT_STREAM_MS)
    return () => clearTimeout(timer)
  }, [workflowId])
  const canLoad = live.generation > 0 || timedOut

  useEffect(() => {
    if (!workflowId || !canLoad) return
    const controller = new AbortController()
    loadAllTickets(workflowId, controller.signal)
      .then((tickets) => {
        setById(new Map(tickets.map((t) => [t.id, t])))
        setError(null)
        setLoading(false)
      })
      .catch((err: unknown) => {
        if ((err as Error).name === 'AbortError') return
        setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)))
        setLoading(false)
      })
    return () => controller.abort()
  }, [workflowId, canLoad, live.generation, reloads])

  const put = useCallback((ticket: Ticket) => {
    if (ticket.workflow_id !== workflowRef.current) return
    setById((old) => {
      const current = old.get(ticket.id)
      if (current && current.version > ticket.version) return old
      const next = new Map(old)
      next.set(ticket.id, ticket)
      return next
    })
  }, [])

  useLiveEvents((events) => {
    const plan = planRefresh(events)
    if (plan.reloadAll) {
      reload()
      return
    }
    for (const id of plan.ticketIds) {
      api
        .get<TicketDetail>(`/api/tickets/${enc(id)}`)
        .then((detail) => put(ticketOf(detail)))
        .catch(() => {})
    }
  })

  const tickets = useMemo(() => [...byId.values()], [byId])
  return { tickets, byId, loading, error, put, reload }
}

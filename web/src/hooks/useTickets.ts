// Every ticket of a workflow, kept current by the live event stream, and
// which tickets changed last (cards flash). Whether a ticket is ready is the
// server's `is_ready` on each ticket.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react'

import { api, asApiError, type ApiError } from '../api/client'
import type { Ticket, TicketDetail, TicketPage } from '../api/types'
import { planRefresh } from '../lib/live'
import { useLive, useLiveEvents } from './useLive'

const PAGE = 500
/** Without a hello from the stream by then, load anyway. */
const LOAD_WITHOUT_STREAM_MS = 2500

export async function loadAllTickets(workflowId: string, signal?: AbortSignal): Promise<Ticket[]> {
  const out: Ticket[] = []
  let cursor: string | null | undefined = null
  do {
    const page: TicketPage = await api.get('/api/tickets', { query: { workflow_id: workflowId, limit: PAGE, cursor }, signal })
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
  /** When each ticket last changed through the live stream (ms epoch). */
  changedAt: Map<string, number>
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
  const [changedAt, setChangedAt] = useState<Map<string, number>>(new Map())
  const workflowRef = useRef(workflowId)
  workflowRef.current = workflowId
  const byIdRef = useRef(byId)
  byIdRef.current = byId

  const reload = useCallback(() => setReloads((n) => n + 1), [])

  // Load once the stream has said hello (so no change falls between the
  // snapshot and the stream), or after a short wait without one.
  const [timedOut, setTimedOut] = useState(false)
  useEffect(() => {
    setTimedOut(false)
    setById(new Map())
    setChangedAt(new Map())
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
        setError(asApiError(err))
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
    // A child's change can make its parent ready or not (open children).
    const plan = planRefresh(events, (id) => byIdRef.current.get(id)?.parent_id)
    if (plan.reloadAll) {
      reload()
      return
    }
    const now = Date.now()
    setChangedAt((old) => {
      const next = new Map(old)
      for (const id of plan.ticketIds) next.set(id, now)
      // Forget flashes older than a minute.
      for (const [id, at] of next) if (now - at > 60_000) next.delete(id)
      return next
    })
    for (const id of plan.ticketIds) {
      api
        .get('/api/tickets/{ticket_id}', { path: { ticket_id: id } })
        .then((detail) => put(ticketOf(detail)))
        .catch(() => {})
    }
  })

  const tickets = useMemo(() => [...byId.values()], [byId])
  return { tickets, byId, loading, error, changedAt, put, reload }
}

// The latest events of a workflow, for the activity panel: the recent past
// from `GET /api/events?latest=` once the stream said hello, then live.

import { createContext, createElement, useContext, useEffect, useRef, useState, type ReactNode } from 'react'

import { api } from '../api/client'
import type { TixEvent } from '../api/types'
import { useLive, useLiveEvents } from './useLive'

export const ACTIVITY_SIZE = 60

export function useActivity(workflowId: string): TixEvent[] {
  const live = useLive()
  const [events, setEvents] = useState<TixEvent[]>([])
  const loaded = useRef<string | null>(null)

  useEffect(() => {
    if (!workflowId || live.generation === 0 || live.lastEventId === null || loaded.current === workflowId) return
    loaded.current = workflowId
    // The workflow's newest events up to where the stream starts (later ones arrive live).
    api
      .get('/api/events', { query: { workflow_id: workflowId, latest: ACTIVITY_SIZE, before: live.lastEventId + 1 } })
      .then((answer) => {
        setEvents((current) => merge(current, answer.events))
      })
      .catch(() => {})
  }, [workflowId, live.generation, live.lastEventId])

  useEffect(() => setEvents([]), [workflowId])
  useLiveEvents((batch) => setEvents((current) => merge(current, batch.filter((e) => e.workflow_id === workflowId))))
  return events
}

/** Newest first, no duplicates, at most ACTIVITY_SIZE. */
export function merge(current: TixEvent[], more: TixEvent[]): TixEvent[] {
  const byId = new Map(current.map((e) => [e.id, e]))
  for (const e of more) byId.set(e.id, e)
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, ACTIVITY_SIZE)
}

/** How many of `events` are newer than `seenId` (what arrived while the panel was closed). */
export function unseenCount(events: TixEvent[], seenId: number | null): number {
  if (seenId === null) return 0
  let n = 0
  for (const e of events) if (e.id > seenId) n++
  return n
}

const ActivityContext = createContext<TixEvent[]>([])

/** One activity list per open workflow, for the panel and its toggle's count. */
export function ActivityProvider({ workflowId, children }: { workflowId: string | null; children: ReactNode }) {
  const events = useActivity(workflowId ?? '')
  return createElement(ActivityContext.Provider, { value: workflowId ? events : [] }, children)
}

export function useActivityEvents(): TixEvent[] {
  return useContext(ActivityContext)
}

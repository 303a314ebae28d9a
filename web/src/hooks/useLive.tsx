// One Server-Sent Events stream per open workflow (`GET /api/events`). The
// browser's EventSource reconnects by itself and sends Last-Event-ID, so the
// server resumes where it left off and nothing is missed. No polling.

import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'

import type { TixEvent } from '../api/types'

export type LiveStatus = 'connecting' | 'live' | 'reconnecting'

type Listener = (events: TixEvent[]) => void

interface Live {
  status: LiveStatus
  /** Increments each time a fresh stream says hello: load state after it. */
  generation: number
  lastEventId: number | null
  subscribe(listener: Listener): () => void
}

const LiveContext = createContext<Live>({
  status: 'connecting',
  generation: 0,
  lastEventId: null,
  subscribe: () => () => {},
})

/** Events are handed to listeners in bursts, at most every BATCH_MS. */
const BATCH_MS = 60

export function LiveProvider({ workflowId, children }: { workflowId: string | null; children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('connecting')
  const [generation, setGeneration] = useState(0)
  const [lastEventId, setLastEventId] = useState<number | null>(null)
  const listeners = useRef(new Set<Listener>())

  useEffect(() => {
    if (!workflowId) return
    setStatus('connecting')
    const source = new EventSource(`/api/events?workflow_id=${encodeURIComponent(workflowId)}`)
    let pending: TixEvent[] = []
    let timer: ReturnType<typeof setTimeout> | null = null
    let greeted = false
    const flush = () => {
      timer = null
      const batch = pending
      pending = []
      if (batch.length === 0) return
      setLastEventId(batch[batch.length - 1].id)
      for (const listener of listeners.current) listener(batch)
    }
    source.addEventListener('hello', (e) => {
      setStatus('live')
      const id = Number((e as MessageEvent).lastEventId)
      if (!Number.isNaN(id)) setLastEventId(id)
      // Only the first hello asks for a (re)load: a reconnect resumes
      // from Last-Event-ID and misses nothing.
      if (!greeted) {
        greeted = true
        setGeneration((g) => g + 1)
      }
    })
    source.onopen = () => setStatus('live')
    source.onmessage = (e) => {
      try {
        pending.push(JSON.parse(e.data) as TixEvent)
      } catch {
        return
      }
      if (timer === null) timer = setTimeout(flush, BATCH_MS)
    }
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'connecting' : 'reconnecting')
    return () => {
      source.close()
      if (timer !== null) clearTimeout(timer)
    }
  }, [workflowId])

  const value = useMemo<Live>(
    () => ({
      status,
      generation,
      lastEventId,
      subscribe(listener) {
        listeners.current.add(listener)
        return () => listeners.current.delete(listener)
      },
    }),
    [status, generation, lastEventId],
  )
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>
}

export function useLive(): Live {
  return useContext(LiveContext)
}

/** Calls `onEvents` with each burst of live events (latest callback wins). */
export function useLiveEvents(onEvents: Listener): void {
  const live = useLive()
  const callback = useRef(onEvents)
  callback.current = onEvents
  useEffect(() => live.subscribe((events) => callback.current(events)), [live])
}

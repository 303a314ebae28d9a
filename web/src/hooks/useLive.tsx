// One event stream per open workflow (`GET /api/events`, text/event-stream),
// read with fetch so it can carry the bearer token (EventSource cannot send
// headers). On a dropped connection it reconnects with `Last-Event-ID`, so
// the server resumes where it left off and nothing is missed. No polling.

import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'

import { identityHeaders, onAuthChange, reportAuthNeeded, token } from '../api/auth'
import { toApiError } from '../api/client'
import type { TixEvent } from '../api/types'
import { reconnectDelay, SseParser } from '../lib/sse'

export type LiveStatus = 'connecting' | 'live' | 'reconnecting'

type Listener = (events: TixEvent[]) => void

interface Live {
  status: LiveStatus
  /** Increments each time a fresh stream says hello: load state after it. */
  generation: number
  lastEventId: number | null
  /** Since when the stream has been down (ms epoch), while reconnecting. */
  downSince: number | null
  subscribe(listener: Listener): () => void
}

const LiveContext = createContext<Live>({
  status: 'connecting',
  generation: 0,
  lastEventId: null,
  downSince: null,
  subscribe: () => () => {},
})

/** Events are handed to listeners in bursts, at most every BATCH_MS. */
const BATCH_MS = 60

export function LiveProvider({ workflowId, children }: { workflowId: string | null; children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('connecting')
  const [generation, setGeneration] = useState(0)
  const [lastEventId, setLastEventId] = useState<number | null>(null)
  const [downSince, setDownSince] = useState<number | null>(null)
  const [tokenValue, setTokenValue] = useState(token())
  const listeners = useRef(new Set<Listener>())

  useEffect(() => onAuthChange(() => setTokenValue(token())), [])

  useEffect(() => {
    if (!workflowId) return
    let stopped = false
    let controller: AbortController | null = null
    let pending: TixEvent[] = []
    let timer: ReturnType<typeof setTimeout> | null = null
    let greeted = false
    let lastId: string | null = null
    let retry: number | null = null
    let attempt = 0
    setStatus('connecting')

    const flush = () => {
      timer = null
      const batch = pending
      pending = []
      if (batch.length === 0) return
      setLastEventId(batch[batch.length - 1].id)
      for (const listener of listeners.current) listener(batch)
    }

    const connect = async () => {
      controller = new AbortController()
      const headers: Record<string, string> = { Accept: 'text/event-stream', ...identityHeaders() }
      if (lastId !== null) headers['Last-Event-ID'] = lastId
      const response = await fetch(`/api/events?workflow_id=${encodeURIComponent(workflowId)}`, {
        headers,
        signal: controller.signal,
        cache: 'no-store',
      })
      if (!response.ok || !response.body) {
        const error = toApiError(response.status, await response.json().catch(() => undefined))
        if (response.status === 401 && (error.code === 'token_required' || error.code === 'invalid_token')) {
          reportAuthNeeded(error.code)
          stopped = true // resumes when a token is entered (the effect re-runs)
        }
        throw error
      }
      const parser = new SseParser()
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        for (const message of parser.push(value)) {
          if (message.retry !== null) retry = message.retry
          if (message.id !== null) lastId = message.id
          if (message.event === 'hello') {
            attempt = 0
            setStatus('live')
            setDownSince(null)
            const id = Number(message.id)
            if (!Number.isNaN(id)) setLastEventId(id)
            // Only the first hello asks for a (re)load: a reconnect resumes
            // from Last-Event-ID and misses nothing.
            if (!greeted) {
              greeted = true
              setGeneration((g) => g + 1)
            }
          } else if (message.event === 'message') {
            try {
              pending.push(JSON.parse(message.data) as TixEvent)
            } catch {
              continue
            }
            if (timer === null) timer = setTimeout(flush, BATCH_MS)
          }
        }
      }
    }

    const run = async () => {
      while (!stopped) {
        try {
          await connect()
        } catch (err) {
          if (stopped || (err as Error).name === 'AbortError') return
        }
        if (stopped) return
        setStatus(greeted ? 'reconnecting' : 'connecting')
        setDownSince((since) => since ?? Date.now())
        await new Promise((ok) => setTimeout(ok, reconnectDelay(attempt++, retry)))
      }
    }
    void run()
    return () => {
      stopped = true
      controller?.abort()
      if (timer !== null) clearTimeout(timer)
    }
  }, [workflowId, tokenValue])

  const value = useMemo<Live>(
    () => ({
      status,
      generation,
      lastEventId,
      downSince,
      subscribe(listener) {
        listeners.current.add(listener)
        return () => listeners.current.delete(listener)
      },
    }),
    [status, generation, lastEventId, downSince],
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
  useEffect(() => live.subscribe((events) => callback.current(events)), [live.subscribe])
}

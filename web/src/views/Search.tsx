// Search: a debounced box with the hybrid / semantic / keyword switch and
// filters, results with scores and where they matched. Uses
// `GET /api/search`; on a server without it, falls back to keyword search
// over the loaded tickets and says so.

import { useEffect, useMemo, useState } from 'react'

import { api, ApiError, asApiError } from '../api/client'
import { PRIORITIES, type Workflow } from '../api/types'
import { Empty, PriorityBadge, StateBadge, useDebounced } from '../components/ui'
import type { TicketsState } from '../hooks/useTickets'
import { columnName, isReady, ticketState } from '../lib/board'
import { refusal } from '../lib/wording'
import { readSearchAnswer, keywordSearch, type SearchAnswer, type SearchHit, type SearchMode } from '../lib/search'

const MODES: { id: SearchMode; label: string; hint: string }[] = [
  { id: 'hybrid', label: 'Hybrid', hint: '70 % meaning, 30 % words' },
  { id: 'semantic', label: 'Semantic', hint: 'by meaning' },
  { id: 'keyword', label: 'Keyword', hint: 'by words (BM25)' },
]
const LIMIT = 30

interface Outcome {
  answer: SearchAnswer
  /** The server has no search endpoint: results are local keyword matches. */
  fallback: boolean
}

export default function SearchView({
  workflow,
  data,
  openTicket,
  params,
  setParams,
}: {
  workflow: Workflow
  data: TicketsState
  openTicket: (id: string | null) => void
  params: URLSearchParams
  setParams: (params: Record<string, string>) => void
}) {
  const board = workflow.board_config
  const [text, setText] = useState(params.get('q') ?? '')
  const mode = (['hybrid', 'semantic', 'keyword'].includes(params.get('mode') ?? '') ? params.get('mode') : 'hybrid') as SearchMode
  const status = params.get('status') ?? ''
  const type = params.get('type') ?? ''
  const priority = params.get('priority') ?? ''
  const includeResolved = params.get('resolved') !== '0'
  const debounced = useDebounced(text.trim(), 250)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [searching, setSearching] = useState(false)
  const [noEndpoint, setNoEndpoint] = useState(false)

  const set = (next: Record<string, string | null>) => {
    const merged: Record<string, string> = Object.fromEntries(params.entries())
    for (const [k, v] of Object.entries(next)) {
      if (v === null || v === '') delete merged[k]
      else merged[k] = v
    }
    setParams(merged)
  }
  useEffect(() => {
    if ((params.get('q') ?? '') !== debounced) set({ q: debounced || null })
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced])

  const filters = useMemo(
    () => ({
      status: status || undefined,
      ticket_type: type || undefined,
      priority: priority || undefined,
      resolved: includeResolved ? undefined : false,
    }),
    [status, type, priority, includeResolved],
  )

  useEffect(() => {
    if (!debounced) {
      setOutcome(null)
      return
    }
    const controller = new AbortController()
    const local = (): Outcome => {
      const pool = data.tickets.filter(
        (t) =>
          (!filters.status || t.status === filters.status) &&
          (!filters.ticket_type || t.ticket_type === filters.ticket_type) &&
          (!filters.priority || t.priority === filters.priority) &&
          (filters.resolved !== false || !t.is_resolved),
      )
      return { answer: { hits: keywordSearch(pool, debounced, LIMIT), semanticAvailable: false, mode: 'keyword' }, fallback: true }
    }
    if (noEndpoint) {
      setOutcome(local())
      return
    }
    setSearching(true)
    const base = { workflow_id: workflow.id, query: debounced, search_type: mode, limit: LIMIT }
    const run = (withFilters: boolean) =>
      api.get('/api/search', { query: withFilters ? { ...base, ...filters } : base, signal: controller.signal })
    run(true)
      .catch((err: unknown) => {
        // A server that does not know a filter: ask without, filter here.
        if (err instanceof ApiError && err.status === 400) return run(false)
        throw err
      })
      .then((body) => {
        const answer = readSearchAnswer(body)
        answer.hits = answer.hits.filter(
          (h) =>
            (!filters.status || h.ticket.status === filters.status) &&
            (!filters.ticket_type || h.ticket.ticket_type === filters.ticket_type) &&
            (!filters.priority || h.ticket.priority === filters.priority) &&
            (filters.resolved !== false || !h.ticket.is_resolved),
        )
        setOutcome({ answer, fallback: false })
        setError(null)
      })
      .catch((err: unknown) => {
        if ((err as Error).name === 'AbortError') return
        if (err instanceof ApiError && (err.status === 404 || err.status === 405) && err.code === 'route_not_found') {
          setNoEndpoint(true)
          setOutcome(local())
          return
        }
        setError(asApiError(err))
      })
      .finally(() => setSearching(false))
    return () => controller.abort()
  }, [debounced, mode, filters, workflow.id, noEndpoint, data.tickets])

  const keywordOnly = outcome && (outcome.fallback || !outcome.answer.semanticAvailable)

  return (
    <div className="search-page">
      <div className="search-box">
        <input
          type="search"
          autoFocus
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Search tickets: words, a question, or a ticket id…"
          aria-label="Search tickets"
          data-testid="search-input"
        />
        <div className="segmented" role="radiogroup" aria-label="Search type">
          {MODES.map((m) => (
            <button
              key={m.id}
              role="radio"
              aria-checked={mode === m.id}
              className={mode === m.id ? 'active' : ''}
              title={m.hint}
              onClick={() => set({ mode: m.id === 'hybrid' ? null : m.id })}
            >
              {m.label}
            </button>
          ))}
        </div>
      </div>
      <div className="filterbar compact">
        <select aria-label="Status" value={status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">Any status</option>
          {board.columns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label="Type" value={type} onChange={(e) => set({ type: e.target.value })}>
          <option value="">All types</option>
          {board.ticket_types.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <select aria-label="Priority" value={priority} onChange={(e) => set({ priority: e.target.value })}>
          <option value="">All priorities</option>
          {PRIORITIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={includeResolved} onChange={(e) => set({ resolved: e.target.checked ? null : '0' })} />
          Include resolved
        </label>
        {searching && <span className="muted">Searching…</span>}
      </div>
      {keywordOnly && (
        <p className="notice" data-testid="keyword-only">
          {outcome.fallback
            ? 'Keyword only: this server has no search service yet, so these are word matches in the loaded tickets (id, title, description, tags).'
            : 'Keyword only: semantic search is not available on this server (no embedding model), so results match words.'}
        </p>
      )}
      {error && (
        <p className="error-box">
          {refusal(error, workflow.board_config, 'The search').title}
        </p>
      )}
      {!debounced && (
        <Empty title="Search the workflow">
          <p className="muted">Search before you create: the same work may already have a ticket.</p>
        </Empty>
      )}
      {outcome && debounced && (
        <>
          <p className="muted" data-testid="result-count">
            {outcome.answer.hits.length} result{outcome.answer.hits.length === 1 ? '' : 's'}
          </p>
          <ol className="results">
            {outcome.answer.hits.map((hit) => (
              <Result key={hit.ticket.id} hit={hit} workflow={workflow} ready={isReady(data.byId.get(hit.ticket.id) ?? hit.ticket)} onOpen={() => openTicket(hit.ticket.id)} />
            ))}
          </ol>
        </>
      )}
    </div>
  )
}

function Result({ hit, workflow, ready, onOpen }: { hit: SearchHit; workflow: Workflow; ready: boolean; onOpen: () => void }) {
  const board = workflow.board_config
  const t = hit.ticket
  const pct = hit.score === null ? null : Math.round(Math.max(0, Math.min(1, hit.score)) * 100)
  return (
    <li className="result" data-testid="search-result" data-ticket-id={t.id}>
      <button className="result-main" onClick={onOpen}>
        <div className="result-top">
          <code>{t.id}</code>
          <strong className="result-title">{t.title}</strong>
        </div>
        <div className="result-meta">
          <span className="badge status-badge">{columnName(board, t.status)}</span>
          {typeof t.is_blocked === 'boolean' && <StateBadge state={ticketState(t, ready)} />}
          {t.priority && <PriorityBadge priority={t.priority} />}
          {hit.likelyDuplicate && (
            <span className="badge blocked-badge" data-testid="likely-duplicate" title="Its meaning is almost the same as what you searched for">
              likely duplicate
            </span>
          )}
          {hit.matchedIn.length > 0 && <span className="muted">matched in {hit.matchedIn.join(', ')}</span>}
        </div>
        {t.description && <p className="result-snippet">{t.description.slice(0, 220)}</p>}
      </button>
      {pct !== null && (
        <div className="score" title={scoreTitle(hit)}>
          <div className="score-bar">
            <span style={{ width: `${pct}%` }} />
          </div>
          <span className="score-value">{(hit.score ?? 0).toFixed(2)}</span>
        </div>
      )}
    </li>
  )
}

function scoreTitle(hit: SearchHit): string {
  const parts = [`score ${hit.score?.toFixed(3)}`]
  if (hit.semanticScore !== null) parts.push(`semantic ${hit.semanticScore.toFixed(3)}`)
  if (hit.keywordScore !== null) parts.push(`keyword ${hit.keywordScore.toFixed(3)}`)
  return parts.join(' · ')
}

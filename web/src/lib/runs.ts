// Runs (one agent's attempt at a ticket, opened by a claim or a task
// start) for a person: outcomes, durations, tokens and cost, hand-offs,
// and the statistics tables.

import type { Handoff, Phase, Run, RunCost, RunStats } from '../api/types'
import { formatDuration } from './format'

/** A run's state: its outcome, or `open` while it has none. */
export type RunState = 'open' | NonNullable<Run['outcome']>

/** Every state, in the order the UI lists them. */
export const RUN_STATES: RunState[] = ['open', 'succeeded', 'failed', 'abandoned', 'lease_lost']

const STATE_LABEL: Record<RunState, string> = {
  open: 'open',
  succeeded: 'succeeded',
  failed: 'failed',
  abandoned: 'abandoned',
  lease_lost: 'lease lost',
}

export function runState(run: Pick<Run, 'outcome' | 'ended_at'>): RunState {
  return run.outcome ?? 'open'
}

/** `lease lost` for `lease_lost`; unknown outcomes in words. */
export function outcomeLabel(outcome: string | null | undefined): string {
  if (!outcome) return STATE_LABEL.open
  return STATE_LABEL[outcome as RunState] ?? outcome.replace(/_/g, ' ')
}

/** `$0.42`, `$12.30`, `$1,234`, `<$0.01`; `–` without a cost. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '–'
  if (usd === 0) return '$0'
  if (usd < 0.01) return '<$0.01'
  if (usd >= 1000) return `$${Math.round(usd).toLocaleString('en-US')}`
  if (usd >= 100) return `$${usd.toFixed(0)}`
  return `$${usd.toFixed(2)}`
}

/** `950`, `12.3k`, `120k`, `4.5M`; `–` without a count. */
export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  const compact = (value: number, unit: string) => {
    const text = value < 10 ? value.toFixed(1) : String(Math.round(value))
    return `${text.replace(/\.0$/, '')}${unit}`
  }
  if (Math.abs(n) >= 999_500) return compact(n / 1_000_000, 'M')
  if (Math.abs(n) >= 1000) return compact(n / 1000, 'k')
  return String(Math.round(n))
}

/** Seconds from start to end (to `now` while the run is open). */
export function runSeconds(run: Pick<Run, 'started_at' | 'ended_at'>, now: number = Date.now()): number | null {
  const start = Date.parse(run.started_at)
  const end = run.ended_at ? Date.parse(run.ended_at) : now
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null
  return Math.max(0, (end - start) / 1000)
}

/** `took 12m`, `running for 3m`. */
export function runDuration(run: Pick<Run, 'started_at' | 'ended_at'>, now: number = Date.now()): string {
  const seconds = runSeconds(run, now)
  if (seconds === null) return ''
  return run.ended_at ? `took ${formatDuration(seconds)}` : `running for ${formatDuration(seconds)}`
}

/** `12.3k in · 4.1k out`, or null when the run reported no tokens. */
export function tokensText(run: Pick<Run, 'tokens_in' | 'tokens_out'>): string | null {
  const parts: string[] = []
  if (run.tokens_in !== null && run.tokens_in !== undefined) parts.push(`${formatTokens(run.tokens_in)} in`)
  if (run.tokens_out !== null && run.tokens_out !== undefined) parts.push(`${formatTokens(run.tokens_out)} out`)
  return parts.length ? parts.join(' · ') : null
}

export interface HandoffPart {
  key: keyof Handoff
  label: string
  text: string
}

const HANDOFF_PARTS: [keyof Handoff, string][] = [
  ['done', 'Done'],
  ['remaining', 'Remaining'],
  ['decisions', 'Decisions'],
  ['risks', 'Risks'],
]

/** The hand-off's non-empty parts, in the order done, remaining, decisions, risks. */
export function handoffParts(handoff: Handoff | null | undefined): HandoffPart[] {
  if (!handoff) return []
  return HANDOFF_PARTS.flatMap(([key, label]) => {
    const text = handoff[key]?.trim()
    return text ? [{ key, label, text }] : []
  })
}

/** Text that takes more room than a glance: folded until asked for. */
export function isLong(text: string, chars = 320, lines = 6): boolean {
  return text.length > chars || text.split('\n').length > lines
}

/** Runs newest first, each with its attempt number (1 = the first run on the ticket). */
export function numberedRuns(runs: Run[]): { run: Run; attempt: number }[] {
  return runs
    .map((run, i) => ({ run, attempt: i + 1 }))
    .sort((a, b) => Date.parse(b.run.started_at) - Date.parse(a.run.started_at) || b.attempt - a.attempt)
}

/** `Phase 2: Build` for a phase id (as a number or the stats' text key), `No phase` for `none`. */
export function phaseLabel(key: string | number | null | undefined, phases: Phase[]): string {
  if (key === null || key === undefined || key === 'none' || key === '') return 'No phase'
  const phase = phases.find((p) => String(p.id) === String(key))
  return phase ? `Phase ${phase.id}: ${phase.name}` : `Phase ${key}`
}

export interface OutcomeShare {
  state: RunState
  label: string
  count: number
  /** Of all runs, 0–1. */
  share: number
}

/** Outcome counts in the UI's order (open first), zeros left out, with their share. */
export function outcomeShares(byOutcome: RunStats['by_outcome']): OutcomeShare[] {
  const total = byOutcome.reduce((n, o) => n + o.count, 0)
  const known = new Set<string>(RUN_STATES)
  const ordered = [
    ...RUN_STATES.map((state) => ({ state, count: byOutcome.filter((o) => o.outcome === state).reduce((n, o) => n + o.count, 0) })),
    ...byOutcome.filter((o) => !known.has(o.outcome)).map((o) => ({ state: o.outcome as RunState, count: o.count })),
  ]
  return ordered
    .filter((o) => o.count > 0)
    .map((o) => ({ ...o, label: outcomeLabel(o.state), share: total > 0 ? o.count / total : 0 }))
}

export interface CostRow {
  key: string
  label: string
  runs: number
  /** Whether any of its runs reported tokens or a cost (else the sums mean "not reported"). */
  reported: boolean
  tokensIn: number
  tokensOut: number
  cost: number
  /** Of the largest row's cost (for the bar), 0–1; by runs when nothing cost anything. */
  bar: number
}

/** Rows of a per-agent, per-phase or per-ticket table, labelled, with a bar relative to the largest. */
export function costRows(rows: RunCost[], label: (row: RunCost) => string = (r) => r.key): CostRow[] {
  const anyCost = rows.some((r) => r.cost_usd > 0)
  const measure = (r: RunCost) => (anyCost ? r.cost_usd : r.runs)
  const max = Math.max(0, ...rows.map(measure))
  return rows.map((r) => ({
    key: r.key,
    label: label(r),
    runs: r.runs,
    reported: r.reported_runs > 0,
    tokensIn: r.tokens_in,
    tokensOut: r.tokens_out,
    cost: r.cost_usd,
    bar: max > 0 ? measure(r) / max : 0,
  }))
}

/**
 * The sub-line of a cost or token total: what it covers when only some runs
 * reported, or null when all did. `reported_runs = 0` shows as "–" instead.
 */
export function reportedShare(reported: number, runs: number): string | null {
  if (reported === runs) return null
  return `reported by ${reported} of ${runs} run${runs === 1 ? '' : 's'}`
}

/** `1.50`, or `–` when nothing with a run was resolved. */
export function runsPerResolved(retries: RunStats['retries']): string {
  const value = retries.runs_per_resolved
  if (value === null || value === undefined || retries.resolved_tickets === 0) return '–'
  return String(Number(value.toFixed(2)))
}

export interface RunTotals {
  runs: number
  open: number
  /** Null when no run reported a cost (likewise for tokens). */
  cost: number | null
  tokensIn: number | null
  tokensOut: number | null
}

/** What a ticket's runs add up to. */
export function runTotals(runs: Run[]): RunTotals {
  const sum = (pick: (r: Run) => number | null | undefined) => {
    const values = runs.map(pick).filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    return values.length ? values.reduce((a, b) => a + b, 0) : null
  }
  return {
    runs: runs.length,
    open: runs.filter((r) => runState(r) === 'open').length,
    cost: sum((r) => r.cost_usd),
    tokensIn: sum((r) => r.tokens_in),
    tokensOut: sum((r) => r.tokens_out),
  }
}

/** `3 runs · 1 open · $1.23 · 40.1k in · 12k out`. */
export function totalsText(t: RunTotals): string {
  const parts = [`${t.runs} run${t.runs === 1 ? '' : 's'}`]
  if (t.open > 0) parts.push(`${t.open} open`)
  if (t.cost !== null) parts.push(formatCost(t.cost))
  if (t.tokensIn !== null) parts.push(`${formatTokens(t.tokensIn)} in`)
  if (t.tokensOut !== null) parts.push(`${formatTokens(t.tokensOut)} out`)
  return parts.join(' · ')
}

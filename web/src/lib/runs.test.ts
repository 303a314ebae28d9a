import { describe, expect, it } from 'vitest'

import type { Phase, Run, RunCost } from '../api/types'
import {
  costRows,
  formatCost,
  formatTokens,
  handoffParts,
  isLong,
  numberedRuns,
  outcomeLabel,
  outcomeShares,
  phaseLabel,
  reportedShare,
  runDuration,
  runSeconds,
  runState,
  runsPerResolved,
  runTotals,
  tokensText,
  totalsText,
} from './runs'

const run = (overrides: Partial<Run> = {}): Run => ({
  run_id: 'run-1',
  ticket_id: 'ticket-a',
  workflow_id: 'wf',
  agent_id: 'agent-phase2-a',
  started_at: '2026-03-10T12:00:00Z',
  ...overrides,
})

const phases: Phase[] = [
  { id: 1, name: 'Plan' },
  { id: 2, name: 'Build' },
]

const cost = (key: string, runs: number, cost_usd: number, extra: Partial<RunCost> = {}): RunCost => ({
  key,
  runs,
  reported_runs: runs,
  cost_usd,
  tokens_in: runs * 1000,
  tokens_out: runs * 100,
  ...extra,
})

describe('outcomes', () => {
  it('calls a run without an outcome open, and lease_lost “lease lost”', () => {
    expect(runState(run())).toBe('open')
    expect(runState(run({ outcome: 'failed', ended_at: '2026-03-10T12:05:00Z' }))).toBe('failed')
    expect(outcomeLabel('lease_lost')).toBe('lease lost')
    expect(outcomeLabel(null)).toBe('open')
    expect(outcomeLabel('timed_out')).toBe('timed out')
  })

  it('orders outcome counts open first, leaves zeros out and gives shares', () => {
    const shares = outcomeShares([
      { outcome: 'succeeded', count: 2 },
      { outcome: 'open', count: 1 },
      { outcome: 'lease_lost', count: 1 },
      { outcome: 'failed', count: 0 },
    ])
    expect(shares.map((s) => [s.state, s.label, s.count, s.share])).toEqual([
      ['open', 'open', 1, 0.25],
      ['succeeded', 'succeeded', 2, 0.5],
      ['lease_lost', 'lease lost', 1, 0.25],
    ])
    expect(outcomeShares([])).toEqual([])
  })
})

describe('numbers', () => {
  it('formats cost in dollars', () => {
    expect(formatCost(null)).toBe('–')
    expect(formatCost(undefined)).toBe('–')
    expect(formatCost(0)).toBe('$0')
    expect(formatCost(0.004)).toBe('<$0.01')
    expect(formatCost(0.42)).toBe('$0.42')
    expect(formatCost(12.3)).toBe('$12.30')
    expect(formatCost(250.4)).toBe('$250')
    expect(formatCost(1234.5)).toBe('$1,235')
  })

  it('formats token counts compactly', () => {
    expect(formatTokens(null)).toBe('–')
    expect(formatTokens(950)).toBe('950')
    expect(formatTokens(1000)).toBe('1k')
    expect(formatTokens(12_345)).toBe('12k')
    expect(formatTokens(1_250)).toBe('1.3k')
    expect(formatTokens(120_400)).toBe('120k')
    expect(formatTokens(999_999)).toBe('1M')
    expect(formatTokens(4_500_000)).toBe('4.5M')
    expect(tokensText(run({ tokens_in: 12_300, tokens_out: 4_100 }))).toBe('12k in · 4.1k out')
    expect(tokensText(run({ tokens_out: 20 }))).toBe('20 out')
    expect(tokensText(run())).toBeNull()
  })

  it('says how long a run took, or has been running', () => {
    const now = Date.parse('2026-03-10T12:30:00Z')
    expect(runSeconds(run({ ended_at: '2026-03-10T12:12:00Z' }), now)).toBe(720)
    expect(runDuration(run({ ended_at: '2026-03-10T12:12:00Z' }), now)).toBe('took 12m')
    expect(runDuration(run(), now)).toBe('running for 30m')
    expect(runDuration(run({ started_at: 'garbage' }), now)).toBe('')
  })

  it('gives runs per resolved ticket, or a dash when nothing was resolved', () => {
    expect(runsPerResolved({ resolved_tickets: 2, runs: 3, runs_per_resolved: 1.5 })).toBe('1.5')
    expect(runsPerResolved({ resolved_tickets: 3, runs: 4, runs_per_resolved: 4 / 3 })).toBe('1.33')
    expect(runsPerResolved({ resolved_tickets: 1, runs: 1, runs_per_resolved: 1 })).toBe('1')
    expect(runsPerResolved({ resolved_tickets: 0, runs: 0, runs_per_resolved: null })).toBe('–')
  })
})

describe('a ticket’s runs', () => {
  it('lists newest first with attempt numbers from the oldest', () => {
    const runs = [
      run({ run_id: 'a', started_at: '2026-03-10T10:00:00Z' }),
      run({ run_id: 'b', started_at: '2026-03-10T11:00:00Z' }),
      run({ run_id: 'c', started_at: '2026-03-10T11:00:00Z' }),
    ]
    expect(numberedRuns(runs).map((r) => [r.run.run_id, r.attempt])).toEqual([
      ['c', 3],
      ['b', 2],
      ['a', 1],
    ])
  })

  it('adds up cost and tokens only from runs that reported them', () => {
    const totals = runTotals([run({ cost_usd: 0.5, tokens_in: 1000 }), run({ cost_usd: 0.25, outcome: 'failed' }), run()])
    expect(totals).toEqual({ runs: 3, open: 2, cost: 0.75, tokensIn: 1000, tokensOut: null })
    expect(totalsText(totals)).toBe('3 runs · 2 open · $0.75 · 1k in')
    expect(totalsText(runTotals([run({ outcome: 'succeeded' })]))).toBe('1 run')
  })

  it('keeps the hand-off parts that say something, in order', () => {
    expect(handoffParts(null)).toEqual([])
    expect(handoffParts({ risks: 'Token expiry', done: 'Login works', remaining: '  ', decisions: null })).toEqual([
      { key: 'done', label: 'Done', text: 'Login works' },
      { key: 'risks', label: 'Risks', text: 'Token expiry' },
    ])
  })

  it('folds long text', () => {
    expect(isLong('short')).toBe(false)
    expect(isLong('x'.repeat(400))).toBe(true)
    expect(isLong('a\nb\nc\nd\ne\nf\ng')).toBe(true)
  })
})

describe('statistics tables', () => {
  it('names phases from the workflow, and runs of no phase', () => {
    expect(phaseLabel('2', phases)).toBe('Phase 2: Build')
    expect(phaseLabel(1, phases)).toBe('Phase 1: Plan')
    expect(phaseLabel('none', phases)).toBe('No phase')
    expect(phaseLabel(null, phases)).toBe('No phase')
    expect(phaseLabel('7', phases)).toBe('Phase 7')
  })

  it('labels rows and sizes bars by cost relative to the largest', () => {
    const rows = costRows([cost('2', 4, 2), cost('none', 1, 0.5)], (r) => phaseLabel(r.key, phases))
    expect(rows).toEqual([
      { key: '2', label: 'Phase 2: Build', runs: 4, reported: true, tokensIn: 4000, tokensOut: 400, cost: 2, bar: 1 },
      { key: 'none', label: 'No phase', runs: 1, reported: true, tokensIn: 1000, tokensOut: 100, cost: 0.5, bar: 0.25 },
    ])
  })

  it('sizes bars by runs when nothing reported a cost', () => {
    expect(costRows([cost('a', 2, 0), cost('b', 1, 0)]).map((r) => r.bar)).toEqual([1, 0.5])
    expect(costRows([cost('a', 0, 0)]).map((r) => r.bar)).toEqual([0])
    expect(costRows([cost('ticket-x', 1, 1, { title: 'Auth' })], (r) => r.title ?? r.key)[0].label).toBe('Auth')
  })

  it('tells runs that reported nothing from free ones', () => {
    const [silent, free] = costRows([cost('quiet', 2, 0, { reported_runs: 0 }), cost('cheap', 1, 0)])
    expect([silent.reported, free.reported]).toEqual([false, true])
    expect(reportedShare(3, 3)).toBeNull()
    expect(reportedShare(1, 3)).toBe('reported by 1 of 3 runs')
  })
})

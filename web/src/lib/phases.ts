// The workflow's phases over the board: which columns each covers (bands
// above the columns, stacked when phases overlap) and which phase a ticket
// is in.

import type { Column, Phase, Task } from '../api/types'

export interface PhaseBand {
  phase: Phase
  /** First and last column index the phase covers (inclusive). */
  start: number
  end: number
  /** Row of the band (0 on top); overlapping phases get different rows. */
  lane: number
}

export function phaseBands(phases: Phase[], columns: Column[]): PhaseBand[] {
  const index = new Map(columns.map((c, i) => [c.id, i]))
  const spans = phases
    .map((phase) => {
      const at = (phase.columns ?? []).map((c) => index.get(c)).filter((i): i is number => i !== undefined)
      return at.length ? { phase, start: Math.min(...at), end: Math.max(...at) } : null
    })
    .filter((s): s is Omit<PhaseBand, 'lane'> => s !== null)
    .sort((a, b) => a.start - b.start || a.end - b.end)
  const laneEnds: number[] = []
  return spans.map((span) => {
    let lane = laneEnds.findIndex((end) => end < span.start)
    if (lane < 0) lane = laneEnds.length
    laneEnds[lane] = span.end
    return { ...span, lane }
  })
}

/** Phases whose columns include `status`. */
export function phasesOfStatus(phases: Phase[], status: string): Phase[] {
  return phases.filter((p) => (p.columns ?? []).includes(status))
}

/**
 * The phase a ticket is in: the phase of its task in progress if it has one,
 * else the last phase working in its column (a column shared by two phases
 * is where the earlier one hands over to the later), else none.
 */
export function ticketPhase(phases: Phase[], status: string, tasks: Pick<Task, 'phase_id' | 'status'>[] = []): Phase | null {
  const active = tasks.find((t) => t.status === 'in_progress')
  if (active) {
    const phase = phases.find((p) => p.id === active.phase_id)
    if (phase) return phase
  }
  const covering = phasesOfStatus(phases, status)
  return covering[covering.length - 1] ?? null
}

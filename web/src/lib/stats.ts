// Chart helpers for the statistics tab.

import type { WorkflowStats } from '../api/types'

/**
 * Cumulative flow series, stacked bottom-up in the usual order: the last
 * (done) column at the bottom, the first column on top. Statuses that never
 * held a ticket in the period are left out.
 */
export function flowSeries(flow: WorkflowStats['cumulative_flow']): { status: string; counts: number[] }[] {
  const series = flow.statuses.map((status, i) => ({ status, counts: flow.days.map((d) => d.counts[i] ?? 0) }))
  return series.filter((s) => s.counts.some((n) => n > 0)).reverse()
}

const COLOURS = ['#16a34a', '#0ea5e9', '#6366f1', '#a855f7', '#f59e0b', '#ef4444', '#14b8a6', '#64748b', '#ec4899', '#84cc16']

/** `n` distinct colours (repeating after ten). */
export function palette(n: number): string[] {
  return Array.from({ length: n }, (_, i) => COLOURS[i % COLOURS.length])
}

/** Days since the workflow was created (at least 1, at most 30): the default window. */
export function workflowAgeDays(createdAt: string, now: number = Date.now()): number {
  const ms = now - Date.parse(createdAt)
  if (!Number.isFinite(ms)) return 30
  return Math.min(30, Math.max(1, Math.ceil(ms / 86_400_000)))
}

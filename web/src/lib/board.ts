// Board logic: columns in board order, counts, WIP limits, card order,
// keyboard moves, and the ticket states the graph and cards show.

import type { BoardConfig, Column, EffectiveBoard, Priority, Ticket } from '../api/types'

export const PRIORITY_RANK: Record<Priority, number> = { low: 0, medium: 1, high: 2, critical: 3 }

/** Whether `status` is a done column, as the server applies the board (`workflow.effective`). */
export function isDone(rules: EffectiveBoard, status: string): boolean {
  return rules.done_statuses.includes(status)
}

export interface ColumnView {
  column: Column
  tickets: Ticket[]
  /** Every ticket in the column, before filters (WIP counts all of them). */
  count: number
  wipLimit: number | null
  /** More tickets than the WIP limit. */
  overLimit: boolean
  /** Exactly at the WIP limit: the next move in will be refused. */
  atLimit: boolean
}

/** Most urgent first, then oldest first. */
export function compareCards(a: Ticket, b: Ticket): number {
  const p = PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority]
  if (p !== 0) return p
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * Groups tickets into the board's columns. `all` gives the counts (WIP
 * limits count every ticket in a column), `visible` the cards shown.
 * Tickets in a status that is no longer a column go to an extra column.
 */
export function groupByColumn(board: BoardConfig, all: Ticket[], visible: Ticket[]): ColumnView[] {
  const counts = new Map<string, number>()
  for (const t of all) counts.set(t.status, (counts.get(t.status) ?? 0) + 1)
  const cards = new Map<string, Ticket[]>()
  for (const t of visible) {
    const list = cards.get(t.status)
    if (list) list.push(t)
    else cards.set(t.status, [t])
  }
  const columns: Column[] = [...board.columns]
  const known = new Set(columns.map((c) => c.id))
  for (const status of [...counts.keys()].sort()) {
    if (!known.has(status)) columns.push({ id: status, name: `${status} (not on the board)` })
  }
  return columns.map((column) => {
    const count = counts.get(column.id) ?? 0
    const wipLimit = column.wip_limit ?? null
    return {
      column,
      tickets: (cards.get(column.id) ?? []).sort(compareCards),
      count,
      wipLimit,
      overLimit: wipLimit !== null && count > wipLimit,
      atLimit: wipLimit !== null && count === wipLimit,
    }
  })
}

/** The column `step` places right (+1) or left (-1) of `status`, if any. */
export function neighbourColumn(board: BoardConfig, status: string, step: number): string | null {
  const index = board.columns.findIndex((c) => c.id === status)
  if (index < 0) return null
  return board.columns[index + step]?.id ?? null
}

export function columnName(board: BoardConfig, status: string): string {
  return board.columns.find((c) => c.id === status)?.name ?? status
}

/** Whether the board's transitions allow the move (no transitions: any). */
export function transitionAllowed(board: BoardConfig, from: string, to: string): boolean {
  if (!board.transitions || from === to) return true
  return board.transitions[from]?.includes(to) ?? false
}

export type TicketState = 'resolved' | 'blocked' | 'ready' | 'in_progress'

/** Whether the server offers the ticket to the next agent (its `is_ready`). */
export function isReady(t: Pick<Ticket, 'is_ready'>): boolean {
  return t.is_ready === true
}

/** The state a card, node or search hit shows; `ready` comes from [`isReady`]. */
export function ticketState(t: Pick<Ticket, 'is_resolved' | 'is_blocked'>, ready: boolean): TicketState {
  if (t.is_resolved) return 'resolved'
  if (t.is_blocked) return 'blocked'
  return ready ? 'ready' : 'in_progress'
}

export const STATE_LABEL: Record<TicketState, string> = {
  resolved: 'Resolved',
  blocked: 'Blocked',
  ready: 'Ready',
  in_progress: 'In progress',
}

/** The unresolved blockers of `ticket` among the loaded tickets (unknown ids are left out). */
export function openBlockers(ticket: Ticket, byId: Map<string, Ticket>): Ticket[] {
  return ticket.blocked_by_ticket_ids
    .map((id) => byId.get(id))
    .filter((t): t is Ticket => t !== undefined && !t.is_resolved)
}

/**
 * Where "reopen" sends a resolved ticket: the column it was in before it was
 * resolved (from its history), else the column before the first done one.
 */
export function reopenTarget(
  board: BoardConfig,
  rules: EffectiveBoard,
  history: { action: string; from_status?: string | null; to_status?: string | null }[],
): string {
  const done = new Set(rules.done_statuses)
  for (let i = history.length - 1; i >= 0; i--) {
    const row = history[i]
    if (row.to_status && done.has(row.to_status) && row.from_status && !done.has(row.from_status)) {
      if (board.columns.some((c) => c.id === row.from_status)) return row.from_status
    }
  }
  const firstDone = board.columns.findIndex((c) => done.has(c.id))
  return board.columns[Math.max(0, firstDone - 1)]?.id ?? board.initial_status
}

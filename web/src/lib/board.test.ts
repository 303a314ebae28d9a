import { describe, expect, it } from 'vitest'

import { board, rules, ticket } from '../test/fixtures'
import {
  compareCards,
  groupByColumn,
  isDone,
  isReady,
  neighbourColumn,
  openBlockers,
  reopenTarget,
  ticketState,
  transitionAllowed,
} from './board'

describe('groupByColumn', () => {
  it('keeps board order, counts every ticket and marks WIP limits', () => {
    const all = [
      ticket({ status: 'building' }),
      ticket({ status: 'building' }),
      ticket({ status: 'building', priority: 'critical' }),
      ticket({ status: 'backlog' }),
    ]
    const visible = all.slice(1)
    const columns = groupByColumn(board, all, visible)
    expect(columns.map((c) => c.column.id)).toEqual(['backlog', 'building', 'review', 'done'])
    const building = columns[1]
    expect(building.count).toBe(3)
    expect(building.tickets).toHaveLength(2)
    expect(building.tickets[0].priority).toBe('critical')
    expect(building.overLimit).toBe(true)
    expect(columns[0].overLimit).toBe(false)
    expect(columns[2]).toMatchObject({ count: 0, wipLimit: null, overLimit: false })
  })

  it('flags a column exactly at its limit and shows unknown statuses last', () => {
    const all = [ticket({ status: 'building' }), ticket({ status: 'building' }), ticket({ status: 'archived' })]
    const columns = groupByColumn(board, all, all)
    expect(columns[1]).toMatchObject({ atLimit: true, overLimit: false })
    expect(columns[4].column.id).toBe('archived')
    expect(columns[4].tickets).toHaveLength(1)
  })
})

describe('card order', () => {
  it('sorts by priority, then age', () => {
    const old = ticket({ priority: 'high', created_at: '2026-01-01T00:00:00Z' })
    const young = ticket({ priority: 'high', created_at: '2026-01-02T00:00:00Z' })
    const low = ticket({ priority: 'low', created_at: '2025-01-01T00:00:00Z' })
    expect([low, young, old].sort(compareCards)).toEqual([old, young, low])
  })
})

describe('moves', () => {
  it('finds the neighbour columns for keyboard moves', () => {
    expect(neighbourColumn(board, 'backlog', 1)).toBe('building')
    expect(neighbourColumn(board, 'backlog', -1)).toBeNull()
    expect(neighbourColumn(board, 'done', 1)).toBeNull()
    expect(neighbourColumn(board, 'nowhere', 1)).toBeNull()
  })

  it('follows the transitions of the board', () => {
    expect(transitionAllowed(board, 'backlog', 'done')).toBe(true)
    const strict = { ...board, transitions: { backlog: ['building'] } }
    expect(transitionAllowed(strict, 'backlog', 'building')).toBe(true)
    expect(transitionAllowed(strict, 'backlog', 'done')).toBe(false)
    expect(transitionAllowed(strict, 'review', 'done')).toBe(false)
    expect(transitionAllowed(strict, 'review', 'review')).toBe(true)
  })

  it('reopens to the column a ticket was resolved from', () => {
    const history = [
      { action: 'created', from_status: null, to_status: 'backlog' },
      { action: 'status_changed', from_status: 'backlog', to_status: 'review' },
      { action: 'resolved', from_status: 'review', to_status: 'done' },
    ]
    expect(reopenTarget(board, rules, history)).toBe('review')
    expect(reopenTarget(board, rules, [])).toBe('review')
    // Two done columns: back to the last column before them.
    const twoDone = { ...rules, done_statuses: ['review', 'done'] }
    expect(reopenTarget(board, twoDone, [])).toBe('building')
    expect(isDone(twoDone, 'review')).toBe(true)
    expect(isDone(rules, 'review')).toBe(false)
  })
})

describe('states', () => {
  it('says resolved, blocked, ready or in progress', () => {
    expect(ticketState(ticket({ is_resolved: true, is_blocked: true }), false)).toBe('resolved')
    expect(ticketState(ticket({ is_blocked: true }), false)).toBe('blocked')
    expect(ticketState(ticket(), true)).toBe('ready')
    expect(ticketState(ticket({ assigned_agent_id: 'a1' }), false)).toBe('in_progress')
  })

  it('takes ready from the server, never from a rule of its own', () => {
    expect(isReady(ticket({ is_ready: true }))).toBe(true)
    // In the initial column, unassigned and unblocked, but the server says no (say, open children).
    expect(isReady(ticket({ is_ready: false }))).toBe(false)
  })

  it('lists only unresolved blockers', () => {
    const open = ticket()
    const closed = ticket({ is_resolved: true })
    const blocked = ticket({ is_blocked: true, blocked_by_ticket_ids: [open.id, closed.id, 'ticket-gone'] })
    const byId = new Map([open, closed, blocked].map((t) => [t.id, t]))
    expect(openBlockers(blocked, byId)).toEqual([open])
  })
})

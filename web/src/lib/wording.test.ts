import { describe, expect, it } from 'vitest'

import { ApiError } from '../api/client'
import type { TixEvent } from '../api/types'
import { board } from '../test/fixtures'
import { describeEvent, humanize, refusal, segmentsText, violationText } from './wording'

const titles: Record<string, string> = { 'ticket-db': 'Database Schema', 'ticket-auth': 'Authentication System' }
const event = (kind: string, payload: Record<string, unknown>, ticket_id = 'ticket-db'): TixEvent => ({
  id: 1,
  workflow_id: 'wf',
  kind,
  ticket_id,
  agent_id: 'agent-phase3-a',
  payload,
  created_at: '2026-01-01T00:00:00Z',
})

describe('refusal', () => {
  it('names blockers by title and columns by name, without CLI hints', () => {
    const error = new ApiError(409, 'ticket_blocked', "ticket x is blocked and cannot move forward to 'building'", 'see `tix show`', {
      target: 'building',
      blockers: [{ id: 'ticket-db', title: 'Database Schema', status: 'review', is_resolved: false }],
    })
    const r = refusal(error, board, '“Auth”')
    expect(r.title).toBe('“Auth” is blocked by “Database Schema”')
    expect(r.detail).toBe('It can move back, but not forward to Building until that ticket is resolved.')
    expect(JSON.stringify(r)).not.toContain('tix')
  })
  it('explains transitions and WIP limits in column names', () => {
    const t = refusal(new ApiError(409, 'transition_not_allowed', 'x', '', { from: 'backlog', to: 'done', allowed: ['building'] }), board, 'x')
    expect(t).toEqual({ title: 'This board does not allow moving from Backlog to Done', detail: 'From Backlog a ticket may go to Building.' })
    const w = refusal(new ApiError(409, 'wip_limit_reached', 'x', '', { status: 'building', wip_limit: 2, current: 2 }), board, 'x')
    expect(w.title).toBe('Building is full')
  })
  it('replaces quoted column ids in other messages', () => {
    expect(humanize("cannot go to 'review' now", board)).toBe('cannot go to “Review” now')
    expect(refusal(new ApiError(400, 'odd', "bad 'done'", 'run tix'), board, 'x')).toEqual({ title: 'Bad “Done”' })
  })
})

describe('violationText', () => {
  it('says which columns a move skipped', () => {
    expect(
      violationText(
        { rule: 'column_skipped', message: "moved from 'backlog' to 'review'", fix: '', details: { from: 'backlog', to: 'review', skipped: ['building'] } },
        board,
      ),
    ).toBe('Skipped Building (moved from Backlog to Review).')
  })
})

describe('describeEvent', () => {
  const say = (e: TixEvent) => {
    const s = describeEvent(e, (id) => titles[id], board)
    return s && segmentsText(s)
  }
  it('tells a resolve with what it unblocked', () => {
    expect(say(event('ticket_resolved', { unblocked_ticket_ids: ['ticket-auth'] }))).toBe('resolved Database Schema; unblocked Authentication System')
  })
  it('tells moves with column names and skips consequences told elsewhere', () => {
    expect(say(event('ticket_moved', { from_status: 'backlog', to_status: 'building' }))).toBe('moved Database Schema from Backlog to Building')
    expect(say(event('ticket_unblocked', { by_ticket_id: 'ticket-db' }, 'ticket-auth'))).toBeNull()
    expect(say(event('ticket_created', { title: 'New one' }, 'ticket-new'))).toBe('created New one')
  })
})

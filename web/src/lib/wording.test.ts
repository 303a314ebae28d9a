import { describe, expect, it } from 'vitest'

import { ApiError } from '../api/client'
import type { TixEvent } from '../api/types'
import { board } from '../test/fixtures'
import { describeEvent, humanize, joiner, refusal, segmentsText, violationText } from './wording'

const titles: Record<string, string> = { 'ticket-db': 'Database Schema', 'ticket-auth': 'Authentication System' }
const event = (kind: string, payload: Record<string, unknown>, ticket_id = 'ticket-db', agent_id = 'agent-phase3-a'): TixEvent => ({
  id: 1,
  workflow_id: 'wf',
  kind,
  ticket_id,
  agent_id,
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

describe('describeEvent: runs and hand-overs', () => {
  const say = (e: TixEvent) => {
    const s = describeEvent(e, (id) => titles[id], board)
    return s && `${e.agent_id}${joiner(s)}${segmentsText(s)}`
  }
  const finished = (payload: Record<string, unknown>, agent = 'agent-phase2-a') =>
    event('run_finished', { run_id: 'run-1', agent_id: 'agent-phase2-a', task_id: null, tokens_in: null, tokens_out: null, cost_usd: null, exit_code: null, ...payload }, 'ticket-auth', agent)

  it('tells how an agent’s own run ended, with the exit code and cost', () => {
    expect(say(finished({ outcome: 'failed', exit_code: 1 }))).toBe('agent-phase2-a’s run on Authentication System failed (exit 1)')
    expect(say(finished({ outcome: 'failed', exit_code: 2, cost_usd: 0.42, tokens_in: 1000 }))).toBe(
      'agent-phase2-a’s run on Authentication System failed (exit 2, $0.42)',
    )
    expect(say(finished({ outcome: 'succeeded', exit_code: 0, cost_usd: 1.5 }))).toBe('agent-phase2-a’s run on Authentication System succeeded ($1.50)')
    expect(say(finished({ outcome: 'abandoned' }))).toBe('agent-phase2-a’s run on Authentication System was abandoned')
  })

  it('says who ended someone else’s run', () => {
    expect(say(finished({ outcome: 'lease_lost' }, 'tix'))).toBe('tix ended agent-phase2-a’s run on Authentication System (lease lost)')
    expect(say(finished({ outcome: 'succeeded', cost_usd: 0.1 }, 'agent-phase3-a'))).toBe(
      'agent-phase3-a ended agent-phase2-a’s run on Authentication System (succeeded, $0.10)',
    )
  })

  it('names the new holder when the assignment changed', () => {
    const updated = (payload: Record<string, unknown>) => event('ticket_updated', { version: 3, ...payload }, 'ticket-auth', 'human')
    expect(say(updated({ fields: ['assigned_agent_id'], assigned_agent_id: 'agent-x' }))).toBe('human assigned Authentication System to agent-x')
    expect(say(updated({ fields: ['assigned_agent_id'], assigned_agent_id: null }))).toBe('human unassigned Authentication System')
    expect(say(updated({ fields: ['title', 'assigned_agent_id'], assigned_agent_id: 'agent-x' }))).toBe(
      'human edited Authentication System and assigned it to agent-x',
    )
    // A server that does not send the new value.
    expect(say(updated({ fields: ['assigned_agent_id'] }))).toBe('human changed who holds Authentication System')
    expect(say(updated({ fields: ['priority'] }))).toBe('human edited Authentication System')
  })

  it('tells a finished run giving its claim back', () => {
    const released = (to_status: string) =>
      event(
        'ticket_updated',
        { fields: ['assigned_agent_id', 'status'], from_status: 'building', to_status, assigned_agent_id: null, version: 4, released_by_run: 'run-1' },
        'ticket-auth',
        'agent-phase2-a',
      )
    expect(say(released('backlog'))).toBe('agent-phase2-a gave Authentication System back (to Backlog)')
    expect(say(released('building'))).toBe('agent-phase2-a gave Authentication System back')
  })

  it('joins a possessive to the name without a space', () => {
    expect(say(event('ticket_lease_expired', {}, 'ticket-db', 'agent-phase2-a'))).toBe('agent-phase2-a’s lease on Database Schema ran out')
    expect(joiner(['resolved ', { ticket: 'x', title: 'X' }])).toBe(' ')
  })
})

import { describe, expect, it } from 'vitest'

import type { TixEvent } from '../api/types'
import { MAX_SINGLE_REFRESH, planRefresh, touches } from './live'

function event(kind: string, ticket_id: string | null, payload: Record<string, unknown> = {}): TixEvent {
  return { id: 1, workflow_id: 'wf', kind, ticket_id, agent_id: 'a', payload, created_at: '' }
}

describe('planRefresh', () => {
  it('re-reads the tickets the events name, with resolved dependents', () => {
    const plan = planRefresh([
      event('ticket_moved', 't2'),
      event('ticket_resolved', 't1', { unblocked_ticket_ids: ['t3', 't4'] }),
      event('ticket_commented', 't2'),
    ])
    expect(plan).toEqual({ reloadAll: false, ticketIds: ['t1', 't2', 't3', 't4'], workflowChanged: false })
  })

  it("re-reads a changed ticket's parent, whose readiness hangs on its children", () => {
    const parents: Record<string, string> = { child: 'epic' }
    const plan = planRefresh([event('ticket_resolved', 'child'), event('ticket_moved', 'other')], (id) => parents[id])
    expect(plan.ticketIds).toEqual(['child', 'epic', 'other'])
  })

  it('reloads everything after an import or a large burst', () => {
    expect(planRefresh([event('tickets_imported', null)]).reloadAll).toBe(true)
    const burst = Array.from({ length: MAX_SINGLE_REFRESH + 1 }, (_, i) => event('ticket_created', `t${i}`))
    expect(planRefresh(burst)).toMatchObject({ reloadAll: true, ticketIds: [] })
    expect(planRefresh([event('workflow_created', null)]).workflowChanged).toBe(true)
  })
})

describe('touches', () => {
  it('matches ticket ids and ids in the payload', () => {
    expect(touches([event('ticket_moved', 't1')], new Set(['t1']))).toBe(true)
    expect(touches([event('ticket_unblocked', 't2', { by_ticket_id: 't1' })], new Set(['t1']))).toBe(true)
    expect(touches([event('ticket_moved', 't9')], new Set(['t1']))).toBe(false)
  })
})

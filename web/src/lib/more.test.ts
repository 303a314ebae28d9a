import { describe, expect, it } from 'vitest'

import type { TixEvent } from '../api/types'
import { ACTIVITY_SIZE, merge, unseenCount } from '../hooks/useActivity'
import { leaseLeft } from './format'
import { workflowAgeDays } from './stats'

const event = (id: number): TixEvent => ({ id, workflow_id: 'wf', kind: 'ticket_moved', ticket_id: 't', agent_id: 'a', payload: {}, created_at: '' })

describe('activity', () => {
  it('keeps the newest events first, once each, at most ACTIVITY_SIZE', () => {
    expect(merge([event(2), event(1)], [event(3), event(2)]).map((e) => e.id)).toEqual([3, 2, 1])
    const many = Array.from({ length: 100 }, (_, i) => event(i))
    expect(merge([], many)).toHaveLength(ACTIVITY_SIZE)
    expect(merge([], many)[0].id).toBe(99)
  })
  it('counts what arrived after the last one seen', () => {
    expect(unseenCount([event(5), event(4), event(3)], 3)).toBe(2)
    expect(unseenCount([event(5)], null)).toBe(0)
  })
})

describe('leaseLeft', () => {
  const now = Date.parse('2026-01-01T12:00:00Z')
  it('says how long a lease has left', () => {
    expect(leaseLeft('2026-01-01T12:25:00Z', now)).toBe('25 min left')
    expect(leaseLeft('2026-01-01T13:10:00Z', now)).toBe('1 h 10 min left')
    expect(leaseLeft('2026-01-01T14:00:00Z', now)).toBe('2 h left')
    expect(leaseLeft('2026-01-01T12:00:20Z', now)).toBe('under a minute left')
    expect(leaseLeft('2026-01-01T11:59:00Z', now)).toBe('lease ran out')
  })
})

describe('workflowAgeDays', () => {
  const now = Date.parse('2026-01-31T12:00:00Z')
  it('is the workflow’s age in days, from 1 to 30', () => {
    expect(workflowAgeDays('2026-01-31T11:00:00Z', now)).toBe(1)
    expect(workflowAgeDays('2026-01-29T13:00:00Z', now)).toBe(2)
    expect(workflowAgeDays('2025-06-01T00:00:00Z', now)).toBe(30)
    expect(workflowAgeDays('nonsense', now)).toBe(30)
  })
})

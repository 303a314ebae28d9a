import type { BoardConfig, EffectiveBoard, Ticket } from '../api/types'

export const board: BoardConfig = {
  columns: [
    { id: 'backlog', name: 'Backlog' },
    { id: 'building', name: 'Building', wip_limit: 2 },
    { id: 'review', name: 'Review' },
    { id: 'done', name: 'Done' },
  ],
  ticket_types: ['feature', 'bug'],
  initial_status: 'backlog',
}

/** What the server answers as `effective` for `board`. */
export const rules: EffectiveBoard = { done_statuses: ['done'], resolve_status: 'done', claim_status: 'building' }

let seq = 0

export function ticket(overrides: Partial<Ticket> = {}): Ticket {
  seq += 1
  return {
    id: `ticket-${String(seq).padStart(4, '0')}`,
    workflow_id: 'wf-1',
    title: `Ticket ${seq}`,
    description: '',
    ticket_type: 'feature',
    status: 'backlog',
    priority: 'medium',
    tags: [],
    created_by: 'human',
    assigned_agent_id: null,
    created_at: `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000000Z`,
    updated_at: '2026-01-01T00:00:00.000000Z',
    started_at: null,
    completed_at: null,
    resolved_at: null,
    is_resolved: false,
    is_blocked: false,
    is_ready: false,
    blocked_by_ticket_ids: [],
    version: 1,
    lease_expires_at: null,
    ...overrides,
  }
}

import { describe, expect, it } from 'vitest'

import { toApiError } from '../api/client'
import { describeAction, formatDuration, shortId, timeAgo } from './format'
import { parseRoute, workflowUrl } from './route'
import { flowSeries, palette } from './stats'

describe('format', () => {
  it('formats durations', () => {
    expect(formatDuration(null)).toBe('–')
    expect(formatDuration(42)).toBe('42s')
    expect(formatDuration(600)).toBe('10m')
    expect(formatDuration(3600 * 5 + 600)).toBe('5h 10m')
    expect(formatDuration(86400 * 3 + 3600 * 4)).toBe('3d 4h')
    expect(formatDuration(86400 * 2)).toBe('2d')
  })

  it('says how long ago', () => {
    const now = Date.parse('2026-03-10T12:00:00Z')
    expect(timeAgo('2026-03-10T11:59:50Z', now)).toBe('just now')
    expect(timeAgo('2026-03-10T11:30:00Z', now)).toBe('30 min ago')
    expect(timeAgo('2026-03-10T07:00:00Z', now)).toBe('5 h ago')
    expect(timeAgo('2026-03-07T12:00:00Z', now)).toBe('3 days ago')
    expect(timeAgo('2025-01-01T00:00:00Z', now)).toBe('2025-01-01')
  })

  it('shortens ids and names actions', () => {
    expect(shortId('ticket-7hx3')).toBe('7hx3')
    expect(shortId('wf-1')).toBe('wf-1')
    expect(describeAction('resolved')).toBe('resolved it')
    expect(describeAction('something_new')).toBe('something new')
  })
})

describe('routes', () => {
  it('parses and builds workflow URLs', () => {
    const route = parseRoute('/w/wf-1/graph', '?ticket=ticket-a&focus=ticket-b')
    expect(route).toMatchObject({ kind: 'workflow', workflowId: 'wf-1', tab: 'graph', ticketId: 'ticket-a' })
    if (route.kind === 'workflow') expect(route.params.toString()).toBe('focus=ticket-b')
    expect(parseRoute('/w/wf-1', '')).toMatchObject({ tab: 'board', ticketId: null })
    expect(parseRoute('/', '')).toEqual({ kind: 'home' })
    expect(parseRoute('/tickets/ticket-x', '')).toEqual({ kind: 'ticket-link', ticketId: 'ticket-x' })
    expect(parseRoute('/w/wf-1/nope', '').kind).toBe('not-found')
    expect(workflowUrl('wf 1', 'stats', 'ticket-a', { days: '7' })).toBe('/w/wf%201/stats?days=7&ticket=ticket-a')
  })
})

describe('api errors', () => {
  it('keeps the server code, message, hint and details', () => {
    const err = toApiError(409, {
      error: { code: 'ticket_blocked', message: 'ticket-b is blocked by ticket-a', hint: 'Resolve ticket-a first.', blocked_by: ['ticket-a'] },
    })
    expect(err).toMatchObject({ status: 409, code: 'ticket_blocked', message: 'ticket-b is blocked by ticket-a', hint: 'Resolve ticket-a first.' })
    expect(err.details).toEqual({ blocked_by: ['ticket-a'] })
    expect(toApiError(502, 'Bad gateway').message).toBe('Bad gateway')
  })
})

describe('cumulative flow series', () => {
  it('stacks done at the bottom and drops empty statuses', () => {
    const series = flowSeries({
      statuses: ['backlog', 'building', 'done'],
      days: [
        { day: '2026-03-01', counts: [2, 0, 0] },
        { day: '2026-03-02', counts: [1, 0, 1] },
      ],
    })
    expect(series).toEqual([
      { status: 'done', counts: [0, 1] },
      { status: 'backlog', counts: [2, 1] },
    ])
    expect(palette(12)).toHaveLength(12)
  })
})

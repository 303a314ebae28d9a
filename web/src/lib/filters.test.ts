import { describe, expect, it } from 'vitest'

import { isReady } from './board'
import { ticket } from '../test/fixtures'
import { applyFilters, filterOptions, filtersFromParams, filtersToParams, isFiltering, NO_FILTERS, UNASSIGNED } from './filters'

const auth = ticket({ title: 'Authentication System', tags: ['security', 'backend'], priority: 'high', assigned_agent_id: 'agent-a' })
const db = ticket({ title: 'Database schema', description: 'users and sessions', tags: ['backend'], ticket_type: 'bug', is_ready: true })
const blocked = ticket({ title: 'Login page', is_blocked: true, blocked_by_ticket_ids: [auth.id] })
const building = ticket({ title: 'Workers', status: 'building' })
const all = [auth, db, blocked, building]
const ready = isReady
const phases = [{ id: 2, name: 'Build', columns: ['building', 'review'] }]

describe('applyFilters', () => {
  it('passes everything without filters', () => {
    expect(applyFilters(all, NO_FILTERS, ready)).toEqual(all)
    expect(isFiltering(NO_FILTERS)).toBe(false)
  })

  it('matches every word of the text in id, title, description, tags or assignee', () => {
    expect(applyFilters(all, { ...NO_FILTERS, text: 'SESSIONS users' }, ready)).toEqual([db])
    expect(applyFilters(all, { ...NO_FILTERS, text: 'security' }, ready)).toEqual([auth])
    expect(applyFilters(all, { ...NO_FILTERS, text: 'agent-a' }, ready)).toEqual([auth])
    expect(applyFilters(all, { ...NO_FILTERS, text: db.id }, ready)).toEqual([db])
  })

  it('filters by type, priority, assignee and tag', () => {
    expect(applyFilters(all, { ...NO_FILTERS, type: 'bug' }, ready)).toEqual([db])
    expect(applyFilters(all, { ...NO_FILTERS, priority: 'high' }, ready)).toEqual([auth])
    expect(applyFilters(all, { ...NO_FILTERS, assignee: 'agent-a' }, ready)).toEqual([auth])
    expect(applyFilters(all, { ...NO_FILTERS, assignee: UNASSIGNED }, ready)).toEqual([db, blocked, building])
    expect(applyFilters(all, { ...NO_FILTERS, tag: 'backend' }, ready)).toEqual([auth, db])
  })

  it('hides blocked tickets and keeps only ready ones', () => {
    expect(applyFilters(all, { ...NO_FILTERS, hideBlocked: true }, ready)).not.toContain(blocked)
    // Ready: as the server listed.
    expect(applyFilters(all, { ...NO_FILTERS, onlyReady: true }, ready)).toEqual([db])
  })

  it('filters by phase: the tickets in its columns', () => {
    expect(applyFilters(all, { ...NO_FILTERS, phase: '2' }, ready, phases)).toEqual([building])
  })

  it('offers the assignees and tags in use', () => {
    expect(filterOptions(all)).toEqual({ assignees: ['agent-a'], tags: ['backend', 'security'], parents: [] })
  })

  it('round-trips through URL parameters', () => {
    const f = { ...NO_FILTERS, text: 'auth', priority: 'high' as const, onlyReady: true, assignee: UNASSIGNED }
    const params = new URLSearchParams(filtersToParams(f))
    expect(params.toString()).toBe('q=auth&priority=high&assignee=-&ready=1')
    expect(filtersFromParams(params)).toEqual(f)
    expect(filtersFromParams(new URLSearchParams('priority=urgent')).priority).toBe('')
  })
})

describe('filter by parent', () => {
  const epic = ticket({ title: 'Epic' })
  const child = ticket({ title: 'Child', parent_id: epic.id })
  const grandchild = ticket({ title: 'Grandchild', parent_id: child.id })
  const stranger = ticket({ title: 'Stranger' })
  const family = [epic, child, grandchild, stranger]

  it('keeps the parent and everything under it, at any depth', () => {
    expect(applyFilters(family, { ...NO_FILTERS, parent: epic.id }, ready)).toEqual([epic, child, grandchild])
    expect(applyFilters(family, { ...NO_FILTERS, parent: child.id }, ready)).toEqual([child, grandchild])
    expect(isFiltering({ ...NO_FILTERS, parent: epic.id })).toBe(true)
  })

  it('offers the tickets that have children, and round-trips through the URL', () => {
    expect(filterOptions(family).parents).toEqual([
      { id: child.id, title: 'Child' },
      { id: epic.id, title: 'Epic' },
    ])
    const f = { ...NO_FILTERS, parent: epic.id }
    expect(filtersFromParams(new URLSearchParams(filtersToParams(f)))).toEqual(f)
  })
})

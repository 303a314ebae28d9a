// Board filters. Pure, so the same rules apply in tests and in the page.

import type { Phase, Priority, Ticket } from '../api/types'

export interface Filters {
  text: string
  type: string
  priority: '' | Priority
  /** Agent id, `''` for any, `'-'` for unassigned. */
  assignee: string
  tag: string
  /** Phase id (as text), `''` for any: tickets in the phase's columns. */
  phase: string
  /** Ticket id, `''` for any: that ticket and everything under it (children, their children…). */
  parent: string
  hideBlocked: boolean
  onlyReady: boolean
}

export const NO_FILTERS: Filters = {
  text: '',
  type: '',
  priority: '',
  assignee: '',
  tag: '',
  phase: '',
  parent: '',
  hideBlocked: false,
  onlyReady: false,
}

export const UNASSIGNED = '-'

export function isFiltering(f: Filters): boolean {
  return (
    f.text.trim() !== '' || f.type !== '' || f.priority !== '' || f.assignee !== '' || f.tag !== '' || f.phase !== '' || f.parent !== '' || f.hideBlocked || f.onlyReady
  )
}

/** Every word of the text must appear in the id, title, description, tags or assignee. */
export function matchesText(ticket: Ticket, text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return true
  const haystack = [ticket.id, ticket.title, ticket.description, ticket.assigned_agent_id ?? '', ...ticket.tags]
    .join('\n')
    .toLowerCase()
  return words.every((w) => haystack.includes(w))
}

export function applyFilters(
  tickets: Ticket[],
  f: Filters,
  isReady: (t: Ticket) => boolean,
  phases: Phase[] = [],
): Ticket[] {
  const phaseColumns = f.phase ? new Set(phases.find((p) => String(p.id) === f.phase)?.columns ?? []) : null
  const family = f.parent ? descendants(tickets, f.parent) : null
  return tickets.filter((t) => {
    if (family && !family.has(t.id)) return false
    if (phaseColumns && !phaseColumns.has(t.status)) return false
    if (f.type && t.ticket_type !== f.type) return false
    if (f.priority && t.priority !== f.priority) return false
    if (f.assignee === UNASSIGNED ? t.assigned_agent_id : f.assignee && t.assigned_agent_id !== f.assignee) return false
    if (f.tag && !t.tags.includes(f.tag)) return false
    if (f.hideBlocked && t.is_blocked && !t.is_resolved) return false
    if (f.onlyReady && !isReady(t)) return false
    return matchesText(t, f.text)
  })
}

/** `root` and every ticket under it, at any depth (ids). */
export function descendants(tickets: Ticket[], root: string): Set<string> {
  const children = new Map<string, string[]>()
  for (const t of tickets) {
    if (!t.parent_id) continue
    const list = children.get(t.parent_id)
    if (list) list.push(t.id)
    else children.set(t.parent_id, [t.id])
  }
  const out = new Set([root])
  const stack = [root]
  while (stack.length > 0) {
    for (const child of children.get(stack.pop() as string) ?? []) {
      if (!out.has(child)) {
        out.add(child)
        stack.push(child)
      }
    }
  }
  return out
}

export interface ParentOption {
  id: string
  title: string
}

/** The values the filter menus offer, sorted: agents, tags, and the tickets that have children. */
export function filterOptions(tickets: Ticket[]): { assignees: string[]; tags: string[]; parents: ParentOption[] } {
  const assignees = new Set<string>()
  const tags = new Set<string>()
  const parentIds = new Set<string>()
  for (const t of tickets) {
    if (t.assigned_agent_id) assignees.add(t.assigned_agent_id)
    for (const tag of t.tags) tags.add(tag)
    if (t.parent_id) parentIds.add(t.parent_id)
  }
  const parents = tickets
    .filter((t) => parentIds.has(t.id))
    .map((t) => ({ id: t.id, title: t.title }))
    .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id))
  return { assignees: [...assignees].sort(), tags: [...tags].sort(), parents }
}

/** Filters as URL query parameters (only the ones set), and back. */
export function filtersToParams(f: Filters): Record<string, string> {
  const out: Record<string, string> = {}
  if (f.text.trim()) out.q = f.text
  if (f.type) out.type = f.type
  if (f.priority) out.priority = f.priority
  if (f.assignee) out.assignee = f.assignee
  if (f.tag) out.tag = f.tag
  if (f.phase) out.phase = f.phase
  if (f.parent) out.parent = f.parent
  if (f.hideBlocked) out.hide_blocked = '1'
  if (f.onlyReady) out.ready = '1'
  return out
}

export function filtersFromParams(params: URLSearchParams): Filters {
  const priority = params.get('priority') ?? ''
  return {
    text: params.get('q') ?? '',
    type: params.get('type') ?? '',
    priority: (['low', 'medium', 'high', 'critical'].includes(priority) ? priority : '') as Filters['priority'],
    assignee: params.get('assignee') ?? '',
    tag: params.get('tag') ?? '',
    phase: params.get('phase') ?? '',
    parent: params.get('parent') ?? '',
    hideBlocked: params.get('hide_blocked') === '1',
    onlyReady: params.get('ready') === '1',
  }
}

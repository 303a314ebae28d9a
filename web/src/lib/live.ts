// What to refresh after a burst of live events.

import type { TixEvent } from '../api/types'

/** Events after which the whole ticket list is reloaded. */
const RELOAD_KINDS = new Set(['tickets_imported', 'workflow_created', 'workflow_updated'])
/** Above this many changed tickets, one reload beats fetching each. */
export const MAX_SINGLE_REFRESH = 25

export interface RefreshPlan {
  /** Reload every ticket of the workflow. */
  reloadAll: boolean
  /** Otherwise, re-read these tickets. */
  ticketIds: string[]
  /** The workflow itself changed (board config). */
  workflowChanged: boolean
}

/**
 * `parentOf` names a loaded ticket's parent: it is re-read with its child,
 * since the child's resolution or reopening decides whether the parent is
 * ready.
 */
export function planRefresh(events: TixEvent[], parentOf: (id: string) => string | null | undefined = () => null): RefreshPlan {
  const ids = new Set<string>()
  let reloadAll = false
  let workflowChanged = false
  for (const event of events) {
    if (RELOAD_KINDS.has(event.kind)) reloadAll = true
    if (event.kind.startsWith('workflow_')) workflowChanged = true
    if (event.ticket_id) ids.add(event.ticket_id)
    // A resolve or reopen changes its dependents too (their own events follow,
    // but the payload lets us refresh them even from a partial burst).
    for (const key of ['unblocked_ticket_ids', 'reblocked_ticket_ids']) {
      const more = event.payload?.[key]
      if (Array.isArray(more)) for (const id of more) if (typeof id === 'string') ids.add(id)
    }
  }
  for (const id of [...ids]) {
    const parent = parentOf(id)
    if (parent) ids.add(parent)
  }
  if (ids.size > MAX_SINGLE_REFRESH) reloadAll = true
  return { reloadAll, ticketIds: reloadAll ? [] : [...ids].sort(), workflowChanged }
}

/** Whether any of the events concerns one of `ids`. */
export function touches(events: TixEvent[], ids: Set<string>): boolean {
  return events.some(
    (e) =>
      (typeof e.ticket_id === 'string' && ids.has(e.ticket_id)) ||
      Object.values(e.payload ?? {}).some((v) => typeof v === 'string' && ids.has(v)),
  )
}

// A ticket's place in a hierarchy, in words: its children's progress and
// how deep each descendant sits (the drawer indents them by it).

import type { ChildTicket, Progress } from '../api/types'

/** "2/5 resolved", or null when the ticket has no children. */
export function progressLabel(progress: Progress | undefined): string | null {
  if (!progress || progress.total === 0) return null
  return `${progress.resolved}/${progress.total} resolved`
}

/** The share resolved, 0..1 (0 without children). */
export function progressShare(progress: Progress | undefined): number {
  if (!progress || progress.total === 0) return 0
  return progress.resolved / progress.total
}

/** Left padding (rem) of a descendant: one step per level below the first. */
export function indent(child: Pick<ChildTicket, 'depth'>): number {
  return Math.max(0, child.depth - 1) * 1.25
}

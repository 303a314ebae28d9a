// Formatting helpers.

/** `3d 4h`, `5h 10m`, `12m`, `40s`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–'
  const s = Math.max(0, Math.round(seconds))
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`
  if (m > 0) return `${m}m`
  return `${s}s`
}

/** `just now`, `5 min ago`, `3 h ago`, `2 days ago`, else the date. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return iso
  const s = Math.round((now - then) / 1000)
  if (s < 45) return 'just now'
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`
  if (s < 86400) return `${Math.round(s / 3600)} h ago`
  if (s < 86400 * 14) return `${Math.round(s / 86400)} days ago`
  return new Date(then).toISOString().slice(0, 10)
}

export function shortId(id: string): string {
  return id.startsWith('ticket-') ? id.slice(7) : id
}

/** Human words for a history action. */
export function describeAction(action: string): string {
  const words: Record<string, string> = {
    created: 'created the ticket',
    status_changed: 'moved it',
    resolved: 'resolved it',
    reopened: 'reopened it',
    updated: 'edited it',
    commented: 'commented',
    blocker_added: 'added a blocker',
    blocker_removed: 'removed a blocker',
    unblocked: 'unblocked it (last blocker resolved)',
    blocked: 'blocked it again (a blocker reopened)',
    claimed: 'claimed it',
    lease_expired: 'lease ran out',
    run_finished: 'ended a run',
    released: 'gave the claim back',
  }
  return words[action] ?? action.replace(/_/g, ' ')
}

/** Time left on a claim lease: `25 min left`, `1 h 10 min left`, `lease ran out`. */
export function leaseLeft(iso: string, now: number = Date.now()): string {
  const until = Date.parse(iso)
  if (Number.isNaN(until)) return ''
  const s = Math.round((until - now) / 1000)
  if (s <= 0) return 'lease ran out'
  if (s < 60) return 'under a minute left'
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min left`
  const h = Math.floor(m / 60)
  return m % 60 ? `${h} h ${m % 60} min left` : `${h} h left`
}

// The server's words for a person: refusals with column names and ticket
// titles instead of ids and CLI hints, Guardian warnings, and the event log
// as sentences ("agent-phase3-a resolved *Database Schema*; unblocked
// *Authentication System*").

import type { ApiError } from '../api/client'
import type { BoardConfig, TixEvent, Violation } from '../api/types'
import { formatCost, outcomeLabel } from './runs'

export function columnLabel(board: BoardConfig, status: string): string {
  return board.columns.find((c) => c.id === status)?.name ?? status
}

function list(items: string[], more = 0): string {
  const all = more > 0 ? [...items, `${more} more`] : items
  if (all.length <= 1) return all.join('')
  return `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`
}

/** “Database Schema” and “Auth” (+N more past `max`). */
export function titles(refs: { title: string }[], max = 3): string {
  return list(
    refs.slice(0, max).map((r) => `“${r.title}”`),
    Math.max(0, refs.length - max),
  )
}

/** Column ids quoted in a server message ('building') become their names. */
export function humanize(text: string, board: BoardConfig): string {
  return text.replace(/'([^']+)'/g, (whole, id: string) => {
    const column = board.columns.find((c) => c.id === id)
    return column ? `“${column.name}”` : whole
  })
}

export interface Refusal {
  title: string
  detail?: string
}

/** A refused write in a person's words. `what` names the ticket (“Login page”). */
export function refusal(error: ApiError, board: BoardConfig, what: string): Refusal {
  const d = error.details
  const col = (v: unknown) => (typeof v === 'string' ? columnLabel(board, v) : '')
  switch (error.code) {
    case 'ticket_blocked': {
      const blockers = Array.isArray(d.blockers) ? (d.blockers as { title: string }[]) : []
      return {
        title: `${what} is blocked${blockers.length ? ` by ${titles(blockers)}` : ''}`,
        detail: `It can move back, but not forward${d.target ? ` to ${col(d.target)}` : ''} until ${blockers.length === 1 ? 'that ticket is' : 'they are'} resolved.`,
      }
    }
    case 'transition_not_allowed': {
      const allowed = Array.isArray(d.allowed) ? (d.allowed as string[]).map(col) : []
      return {
        title: `This board does not allow moving from ${col(d.from)} to ${col(d.to)}`,
        detail: allowed.length ? `From ${col(d.from)} a ticket may go to ${list(allowed)}.` : `Nothing may leave ${col(d.from)}.`,
      }
    }
    case 'wip_limit_reached':
      return {
        title: `${col(d.status)} is full`,
        detail: `It holds ${d.current ?? d.wip_limit} tickets, its limit is ${d.wip_limit}. Finish or move one out first.`,
      }
    case 'stale_version':
      return { title: `${what} changed meanwhile`, detail: 'The board now shows the latest version; try again.' }
    case 'already_resolved':
      return { title: `${what} is already resolved` }
    case 'not_found':
      return { title: `${what} no longer exists` }
    case 'network_error':
      return { title: 'Cannot reach the Tix server', detail: 'Check that it is running; the board reconnects by itself.' }
    case 'token_required':
    case 'invalid_token':
      return { title: 'Sign in with an agent token to make changes' }
    case 'agent_mismatch':
      return { title: 'Your token may not act as that agent' }
    case 'guardian_refused':
      return { title: humanize(error.message, board), detail: typeof d.fix === 'string' ? humanize(d.fix, board) : undefined }
    default:
      // The message is written for agents; the hint often names CLI
      // commands, so only the message is shown, with column names.
      return { title: capitalise(humanize(error.message, board)) }
  }
}

function capitalise(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text
}

/** A Guardian warning (the write went through) in a person's words. */
export function violationText(v: Pick<Violation, 'rule' | 'message' | 'fix' | 'details'>, board: BoardConfig): string {
  const d = v.details ?? {}
  if (v.rule === 'column_skipped' && Array.isArray(d.skipped)) {
    const skipped = (d.skipped as string[]).map((s) => columnLabel(board, s))
    return `Skipped ${list(skipped)} (moved from ${columnLabel(board, String(d.from))} to ${columnLabel(board, String(d.to))}).`
  }
  return capitalise(humanize(v.message, board)) + '.'
}

export type Segment = string | { ticket: string; title: string }

const TASK_WORDS: Record<string, string> = {
  queued: 'queued',
  in_progress: 'started',
  done: 'finished',
  failed: 'failed',
  blocked: 'blocked',
}

/**
 * One event as a sentence after the agent's name, or null for events that
 * another one already tells (a dependent's unblock follows its blocker's
 * resolve, which names it).
 */
export function describeEvent(event: TixEvent, titleOf: (id: string) => string | undefined, board: BoardConfig): Segment[] | null {
  const p = event.payload ?? {}
  const ref = (id: string | null | undefined): Segment =>
    id ? { ticket: id, title: titleOf(id) ?? (typeof p.title === 'string' ? p.title : id) } : 'a ticket'
  const refs = (key: string): Segment[] => {
    const ids = Array.isArray(p[key]) ? (p[key] as string[]) : []
    const out: Segment[] = []
    ids.slice(0, 3).forEach((id, i) => {
      if (i > 0) out.push(i === ids.length - 1 ? ' and ' : ', ')
      out.push({ ticket: id, title: titleOf(id) ?? id })
    })
    if (ids.length > 3) out.push(` and ${ids.length - 3} more`)
    return out
  }
  const t = ref(event.ticket_id)
  const col = (v: unknown) => columnLabel(board, String(v))
  switch (event.kind) {
    case 'ticket_created':
      return ['created ', t]
    case 'tickets_imported':
      return [`imported ${p.count ?? 'some'} tickets`]
    case 'ticket_moved': {
      const out: Segment[] = ['moved ', t, ` from ${col(p.from_status)} to ${col(p.to_status)}`]
      const unblocked = refs('unblocked_ticket_ids')
      if (unblocked.length) out.push('; unblocked ', ...unblocked)
      return out
    }
    case 'ticket_resolved': {
      const out: Segment[] = ['resolved ', t]
      const unblocked = refs('unblocked_ticket_ids')
      if (unblocked.length) out.push('; unblocked ', ...unblocked)
      return out
    }
    case 'ticket_reopened': {
      const out: Segment[] = ['reopened ', t, p.to_status ? ` (back to ${col(p.to_status)})` : '']
      const reblocked = refs('reblocked_ticket_ids')
      if (reblocked.length) out.push('; blocked again ', ...reblocked)
      return out
    }
    case 'ticket_claimed':
      return ['claimed ', t]
    case 'ticket_commented':
      return ['commented on ', t]
    case 'ticket_updated':
      return describeUpdate(event, t, col)
    case 'run_finished':
      return describeRunFinished(event, t)
    case 'ticket_lease_expired':
      return ['’s lease on ', t, ' ran out']
    case 'blocker_added':
      return ['made ', t, ' wait on ', ref(typeof p.blocker_id === 'string' ? p.blocker_id : null)]
    case 'blocker_removed':
      return ['removed a blocker of ', t]
    case 'ticket_unblocked':
    case 'ticket_blocked':
      return typeof p.by_ticket_id === 'string' ? null : [event.kind === 'ticket_unblocked' ? 'unblocked ' : 'blocked ', t]
    case 'task_created':
      return [`queued a Phase ${p.phase_id ?? '?'} task on `, t]
    case 'task_updated':
    case 'task_status_changed':
      return [`${TASK_WORDS[String(p.to)] ?? 'updated'} a Phase ${p.phase_id ?? '?'} task on `, t]
    case 'commit_linked':
      return ['linked a commit to ', t]
    case 'workflow_created':
      return ['created the workflow']
    case 'workflow_updated':
      return ['changed the workflow']
    default:
      return [event.kind.replace(/_/g, ' '), event.ticket_id ? ' ' : '', ...(event.ticket_id ? [t] : [])]
  }
}

/**
 * `ticket_updated`: a hand-over (`assigned_agent_id` carries the new
 * holder), a finished run giving its claim back (`released_by_run`), or
 * an edit.
 */
function describeUpdate(event: TixEvent, t: Segment, col: (v: unknown) => string): Segment[] {
  const p = event.payload ?? {}
  const fields = Array.isArray(p.fields) ? (p.fields as string[]) : []
  if (typeof p.released_by_run === 'string') {
    const moved = typeof p.to_status === 'string' && p.to_status !== p.from_status
    return ['gave ', t, ' back', moved ? ` (to ${col(p.to_status)})` : '']
  }
  const assigned = fields.includes('assigned_agent_id')
  const others = fields.filter((f) => f !== 'assigned_agent_id')
  if (assigned && 'assigned_agent_id' in p) {
    const to = typeof p.assigned_agent_id === 'string' && p.assigned_agent_id ? p.assigned_agent_id : null
    if (others.length > 0) return ['edited ', t, to ? ` and assigned it to ${to}` : ' and unassigned it']
    return to ? ['assigned ', t, ` to ${to}`] : ['unassigned ', t]
  }
  if (assigned && others.length === 0) return ['changed who holds ', t]
  return ['edited ', t]
}

const RUN_VERBS: Record<string, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  abandoned: 'was abandoned',
  lease_lost: 'lost its lease',
}

/**
 * `run_finished`: “’s run on *Auth* failed (exit 1, $0.42)” after the
 * run's own agent, or “ended agent-x’s run on *Auth* (lease lost)” when
 * someone else (another agent, or `tix` for a lease that ran out) ended it.
 */
function describeRunFinished(event: TixEvent, t: Segment): Segment[] {
  const p = event.payload ?? {}
  const owner = typeof p.agent_id === 'string' && p.agent_id ? p.agent_id : event.agent_id
  const outcome = typeof p.outcome === 'string' ? p.outcome : ''
  const notes: string[] = []
  if (typeof p.exit_code === 'number' && p.exit_code !== 0) notes.push(`exit ${p.exit_code}`)
  if (typeof p.cost_usd === 'number') notes.push(formatCost(p.cost_usd))
  if (owner === event.agent_id) {
    const verb = RUN_VERBS[outcome] ?? (outcome ? `ended: ${outcomeLabel(outcome)}` : 'ended')
    return ['’s run on ', t, ` ${verb}${notes.length ? ` (${notes.join(', ')})` : ''}`]
  }
  return [`ended ${owner}’s run on `, t, ` (${[outcomeLabel(outcome || null), ...notes].join(', ')})`]
}

/** What goes between the agent's name and the sentence: nothing before a possessive (“agent-a’s lease”). */
export function joiner(segments: Segment[]): string {
  const first = segments[0]
  return typeof first === 'string' && first.startsWith('’') ? '' : ' '
}

/** The sentence as plain text (for titles and tests). */
export function segmentsText(segments: Segment[]): string {
  return segments.map((s) => (typeof s === 'string' ? s : s.title)).join('')
}

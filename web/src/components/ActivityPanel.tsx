// What just happened: the latest events of the workflow in words, newest
// first, each ticket title a link to it.

import type { BoardConfig, Ticket, TixEvent } from '../api/types'
import { timeAgo } from '../lib/format'
import { describeEvent, joiner, segmentsText } from '../lib/wording'
import { Avatar } from './ui'

export function ActivityPanel({
  events,
  board,
  byId,
  openTicket,
  onClose,
}: {
  events: TixEvent[]
  board: BoardConfig
  byId: Map<string, Ticket>
  openTicket: (id: string) => void
  onClose: () => void
}) {
  const titleOf = (id: string) => byId.get(id)?.title
  const rows = events
    .map((event) => ({ event, segments: describeEvent(event, titleOf, board) }))
    .filter((r): r is { event: TixEvent; segments: NonNullable<typeof r.segments> } => r.segments !== null)
  return (
    <aside className="activity" aria-label="Activity" data-testid="activity">
      <header className="activity-header">
        <h2>Activity</h2>
        <span className="muted small">latest first</span>
        <div className="spacer" />
        <button className="icon-button" onClick={onClose} aria-label="Close activity">
          ×
        </button>
      </header>
      {rows.length === 0 && <p className="muted activity-empty">Nothing yet: changes appear here as agents work.</p>}
      <ol className="activity-list">
        {rows.map(({ event, segments }) => (
          <li key={event.id} className={`activity-item kind-${event.kind}`} data-testid="activity-item" title={`${event.agent_id}${joiner(segments)}${segmentsText(segments)}`}>
            <Avatar agent={event.agent_id} size="sm" />
            <div>
              <strong>{event.agent_id}</strong>
              {joiner(segments)}
              {segments.map((s, i) =>
                typeof s === 'string' ? (
                  <span key={i}>{s}</span>
                ) : (
                  <button key={i} className="link-button activity-ticket" onClick={() => openTicket(s.ticket)}>
                    {s.title}
                  </button>
                ),
              )}
              <div className="muted small">{timeAgo(event.created_at)}</div>
            </div>
          </li>
        ))}
      </ol>
    </aside>
  )
}

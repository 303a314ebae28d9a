// A card says why it stands where it does: a blocked card names its open
// blockers (first two, "+N more", all of them in a keyboard-reachable
// popover), a ready card says Ready, a held card shows its holder and the
// time left on the lease. Cards changed live flash briefly.

import { useDraggable } from '@dnd-kit/core'
import { memo, useEffect, useState, type KeyboardEvent } from 'react'

import type { Ticket } from '../../api/types'
import { Popover } from '../../components/Popover'
import { Avatar, PriorityBadge } from '../../components/ui'
import { openBlockers } from '../../lib/board'
import { leaseLeft, shortId } from '../../lib/format'
import { columnLabel } from '../../lib/wording'
import type { BoardConfig } from '../../api/types'

/** How long a live change keeps the card highlighted. */
export const FLASH_MS = 1800

export interface CardProps {
  ticket: Ticket
  board: BoardConfig
  byId: Map<string, Ticket>
  ready: boolean
  saving: boolean
  /** When it last changed live (ms epoch), if recently. */
  changedAt: number | undefined
  /** The clock, for cards with a lease (0 otherwise, so others don't re-render). */
  now: number
  openTicket: (id: string) => void
  onCardKey: (ticket: Ticket, e: KeyboardEvent) => void
}

export const Card = memo(function Card(props: CardProps) {
  const { ticket, saving, changedAt, openTicket, onCardKey } = props
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: ticket.id })
  const [flashing, setFlashing] = useState(false)
  useEffect(() => {
    if (!changedAt || Date.now() - changedAt > FLASH_MS) return
    setFlashing(true)
    const timer = setTimeout(() => setFlashing(false), FLASH_MS)
    return () => clearTimeout(timer)
  }, [changedAt])
  return (
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      className={`card-wrap ${isDragging ? 'dragging' : ''} ${saving ? 'saving' : ''} ${flashing ? 'flash' : ''}`}
      data-testid="card"
      data-ticket-id={ticket.id}
      data-flashing={flashing ? 'true' : undefined}
      aria-label={`${ticket.title} (${ticket.id})`}
      onClick={() => openTicket(ticket.id)}
      onKeyDown={(e) => onCardKey(ticket, e)}
    >
      <CardBody {...props} />
    </div>
  )
})

export function CardBody({
  ticket,
  board,
  byId,
  ready,
  now,
  overlay,
}: Pick<CardProps, 'ticket' | 'board' | 'byId' | 'ready' | 'now'> & { overlay?: boolean }) {
  const blocked = ticket.is_blocked && !ticket.is_resolved
  const blockers = blocked ? openBlockers(ticket, byId) : []
  const holder = !ticket.is_resolved ? ticket.assigned_agent_id : null
  const classes = ['card', blocked ? 'is-blocked' : '', ticket.is_resolved ? 'is-resolved' : '', ready ? 'is-ready' : '', overlay ? 'overlay' : '']
  return (
    <article className={classes.join(' ')}>
      <div className="card-top">
        <span className="card-id">{shortId(ticket.id)}</span>
        <span className="spacer" />
        <PriorityBadge priority={ticket.priority} />
      </div>
      <h3 className="card-title">{ticket.title}</h3>
      <div className="card-meta">
        <span className="badge type">{ticket.ticket_type}</span>
        {ticket.tags.slice(0, 4).map((tag) => (
          <span key={tag} className="tag">
            #{tag}
          </span>
        ))}
      </div>
      {blocked && (
        <div className="card-why why-blocked" data-testid="blocked-by">
          <span className="why-label">Waiting on</span>{' '}
          {blockers.length === 0 ? (
            <span className="muted">unresolved blockers</span>
          ) : (
            <>
              {blockers.slice(0, 2).map((b, i) => (
                <span key={b.id}>
                  {i > 0 && ', '}
                  <span className="why-title">{b.title}</span>
                </span>
              ))}
              {blockers.length > 2 && <span className="why-more"> +{blockers.length - 2} more</span>}
            </>
          )}
        </div>
      )}
      <div className="card-bottom">
        {blocked && (
          <Popover
            className="badge blocked-badge"
            testid="blocked-badge"
            buttonLabel={`Blocked by ${blockers.length || 'unresolved'} ticket${blockers.length === 1 ? '' : 's'}: show them`}
            label={<>⛔ Blocked{blockers.length > 0 ? ` by ${blockers.length}` : ''}</>}
          >
            <strong>Waiting on</strong>
            {blockers.length === 0 && <span>unresolved blockers</span>}
            <ul className="popover-list">
              {blockers.map((b) => (
                <li key={b.id}>
                  <span className="popover-title">{b.title}</span>{' '}
                  <span className="muted">
                    {columnLabel(board, b.status)}
                    {b.assigned_agent_id ? ` · ${b.assigned_agent_id}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </Popover>
        )}
        {ready && (
          <span className="badge ready-badge" data-testid="ready-badge" title="Unblocked and waiting: an agent can claim it now">
            ● Ready
          </span>
        )}
        {ticket.is_resolved && (
          <span className="badge resolved-badge" data-testid="resolved-badge">
            ✓ Resolved
          </span>
        )}
        <span className="spacer" />
        {ticket.assigned_agent_id && (
          <span className="assignee" data-testid="holder" title={`Held by ${ticket.assigned_agent_id}`}>
            <Avatar agent={ticket.assigned_agent_id} size="sm" />
            <span className="assignee-name">{ticket.assigned_agent_id}</span>
            {holder && ticket.lease_expires_at && now > 0 && (
              <span className={`lease ${Date.parse(ticket.lease_expires_at) <= now ? 'lease-over' : ''}`} data-testid="lease">
                {leaseLeft(ticket.lease_expires_at, now)}
              </span>
            )}
          </span>
        )}
      </div>
    </article>
  )
}

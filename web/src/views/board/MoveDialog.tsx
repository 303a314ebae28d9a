// Asks for the comment of a move the board allows, and says what the move
// will do: reopening a resolved ticket re-blocks the tickets waiting on it.

import { useState } from 'react'

import type { Ticket, Workflow } from '../../api/types'
import { Modal } from '../../components/ui'
import { isDone } from '../../lib/board'
import { shortId } from '../../lib/format'
import { columnLabel } from '../../lib/wording'

export interface MoveRequest {
  ticket: Ticket
  to: string
}

/** Unresolved tickets that wait on `ticket` (they block again if it reopens). */
export function dependentsOf(ticket: Ticket, tickets: Iterable<Ticket>): Ticket[] {
  const out: Ticket[] = []
  for (const t of tickets) if (!t.is_resolved && t.blocked_by_ticket_ids.includes(ticket.id)) out.push(t)
  return out
}

export function MoveDialog({
  workflow,
  move,
  byId,
  onCancel,
  onConfirm,
}: {
  workflow: Workflow
  move: MoveRequest
  byId: Map<string, Ticket>
  onCancel: () => void
  onConfirm: (comment: string) => void
}) {
  const board = workflow.board_config
  const [comment, setComment] = useState('')
  const { ticket, to } = move
  const reopening = ticket.is_resolved && !isDone(workflow.effective, to)
  const dependents = reopening ? dependentsOf(ticket, byId.values()) : []
  const target = board.columns.find((c) => c.id === to)
  let inTarget = 0
  for (const t of byId.values()) if (t.status === to) inTarget++
  const full = target?.wip_limit != null && inTarget >= target.wip_limit
  const submit = () => comment.trim() && onConfirm(comment.trim())
  return (
    <Modal
      title={`Move ${shortId(ticket.id)}`}
      onClose={onCancel}
      footer={
        <>
          <button onClick={onCancel}>Cancel</button>
          <button className={reopening ? 'danger' : 'primary'} disabled={!comment.trim()} onClick={submit} data-testid="confirm-move">
            {reopening ? `Reopen and move to ${columnLabel(board, to)}` : `Move to ${columnLabel(board, to)}`}
          </button>
        </>
      }
    >
      <p className="move-summary">
        <strong>{ticket.title}</strong>
        <br />
        {columnLabel(board, ticket.status)} <span aria-hidden="true">→</span> {columnLabel(board, to)}
      </p>
      {reopening && (
        <div className="warning" data-testid="reopen-warning">
          <strong>This reopens a resolved ticket.</strong>{' '}
          {dependents.length === 0
            ? 'No open ticket waits on it.'
            : `${dependents.length} ticket${dependents.length === 1 ? '' : 's'} waiting on it will be blocked again: ${dependents
                .slice(0, 5)
                .map((d) => `“${d.title}”`)
                .join(', ')}${dependents.length > 5 ? ` and ${dependents.length - 5} more` : ''}.`}
        </div>
      )}
      {full && target && (
        <p className="warning">
          {target.name} is at its WIP limit of {target.wip_limit}: the server will refuse the move.
        </p>
      )}
      <label className="field">
        <span>Comment (required: say why it moves)</span>
        <textarea
          value={comment}
          rows={3}
          placeholder="e.g. Starting implementation"
          onChange={(e) => setComment(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) submit()
          }}
          data-testid="move-comment"
        />
      </label>
    </Modal>
  )
}

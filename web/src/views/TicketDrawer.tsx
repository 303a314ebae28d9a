// Ticket detail, in a drawer over the current tab with its own URL
// (?ticket=ID): description, blockers and dependents with their states,
// tasks, runs, comments, history, linked commits, move / resolve / reopen.

import { useCallback, useEffect, useState } from 'react'

import { api, asApiError, type ApiError } from '../api/client'
import type { Comment, StatusChange, TicketDetail, TicketRef, Workflow } from '../api/types'
import { Markdown } from '../components/Markdown'
import { Avatar, PriorityBadge, StateBadge, useToast } from '../components/ui'
import { useLiveEvents } from '../hooks/useLive'
import type { TicketsState } from '../hooks/useTickets'
import { columnName, isDone, isReady, reopenTarget, ticketState } from '../lib/board'
import { workflowUrl } from '../lib/route'
import { describeAction, leaseLeft, shortId, timeAgo } from '../lib/format'
import { indent, progressLabel, progressShare } from '../lib/hierarchy'
import { touches } from '../lib/live'
import { ticketPhase } from '../lib/phases'
import { outcomeLabel } from '../lib/runs'
import { refusal, titles, violationText } from '../lib/wording'
import { TicketRuns } from './TicketRuns'

export function TicketDrawer({
  workflow,
  ticketId,
  data,
  openTicket,
  onClose,
}: {
  workflow: Workflow
  ticketId: string
  data: TicketsState
  openTicket: (id: string | null) => void
  onClose: () => void
}) {
  const board = workflow.board_config
  const toast = useToast()
  const [detail, setDetail] = useState<TicketDetail | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)

  const load = useCallback(() => {
    api
      .get('/api/tickets/{ticket_id}', { path: { ticket_id: ticketId } })
      .then((d) => {
        setDetail(d)
        setError(null)
      })
      .catch((err: unknown) => setError(asApiError(err)))
  }, [ticketId])
  useEffect(load, [load])

  useLiveEvents((events) => {
    const related = new Set([ticketId, ...(detail?.blocked_by ?? []).map((r) => r.id), ...(detail?.blocks ?? []).map((r) => r.id)])
    if (touches(events, related)) load()
  })

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement
      if (e.key === 'Escape' && !target.closest('.modal')) onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  const act = async (what: string, call: () => Promise<StatusChange | Comment>) => {
    setBusy(true)
    try {
      const result = await call()
      if ('ticket' in result) {
        data.put(result.ticket)
        const named = (ids: string[]) => titles(ids.map((id) => ({ title: data.byId.get(id)?.title ?? id })))
        const lines: string[] = []
        if (result.unblocked_ticket_ids.length) lines.push(`Unblocked ${named(result.unblocked_ticket_ids)}.`)
        if (result.reblocked_ticket_ids.length) lines.push(`Blocked again: ${named(result.reblocked_ticket_ids)}.`)
        const warnings = (result.violations ?? []).map((v) => `Guardian: ${violationText(v, board)}`)
        toast({ kind: warnings.length ? 'warning' : 'success', title: what, lines: [...lines, ...warnings] })
      }
      load()
      return true
    } catch (err) {
      const e = asApiError(err)
      const r = refusal(e, board, detail ? `“${detail.title}”` : 'This ticket')
      toast({ kind: 'error', title: `${what.replace(/^(\w+).*/, '$1')} refused: ${r.title}`, detail: r.detail })
      if (e.status === 412) load()
      return false
    } finally {
      setBusy(false)
    }
  }

  const phase = detail ? ticketPhase(workflow.phases, detail.status, detail.tasks ?? []) : null

  return (
    <div className="drawer-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <aside className="drawer" aria-label={`Ticket ${ticketId}`} data-testid="ticket-drawer">
        <header className="drawer-header">
          <code className="drawer-id">{detail?.id ?? ticketId}</code>
          <a className="link-button" href={`/tickets/${encodeURIComponent(detail?.id ?? ticketId)}`} title="Link to this ticket">
            Link
          </a>
          <div className="spacer" />
          <button className="icon-button" onClick={onClose} aria-label="Close ticket">
            ×
          </button>
        </header>
        {error && !detail && (
          <div className="error-box" data-testid="ticket-error">
            {error.status === 404 ? (
              <>
                <strong>Ticket not found</strong>
                <p>There is no ticket {ticketId} in this Tix. It may have been mistyped, or belong to another server.</p>
              </>
            ) : (
              <>
                <strong>Cannot load this ticket</strong>
                <p>{refusal(error, board, 'This ticket').title}</p>
              </>
            )}
            <button onClick={onClose}>Back to the board</button>
          </div>
        )}
        {!detail && !error && <div className="loading">Loading…</div>}
        {detail && (
          <div className="drawer-body">
            <h1 className="drawer-title" data-testid="ticket-title">
              {detail.title}
            </h1>
            <div className="drawer-badges">
              <span className="badge status-badge">{columnName(board, detail.status)}</span>
              <StateBadge state={ticketState(detail, isReady(detail))} />
              <PriorityBadge priority={detail.priority} />
              <span className="badge type">{detail.ticket_type}</span>
              {detail.tags.map((t) => (
                <span key={t} className="tag">
                  #{t}
                </span>
              ))}
            </div>
            <dl className="facts">
              <dt>Phase</dt>
              <dd data-testid="ticket-phase">
                {phase ? (
                  <>
                    Phase {phase.id}: {phase.name}
                  </>
                ) : (
                  <span className="muted">none</span>
                )}
              </dd>
              <dt>Held by</dt>
              <dd>
                {detail.assigned_agent_id ? (
                  <span className="assignee">
                    <Avatar agent={detail.assigned_agent_id} size="sm" /> {detail.assigned_agent_id}
                    {detail.lease_expires_at && !detail.is_resolved && <span className="lease">{leaseLeft(detail.lease_expires_at)}</span>}
                  </span>
                ) : (
                  <span className="muted">nobody</span>
                )}
              </dd>
              <dt>Created</dt>
              <dd>
                {timeAgo(detail.created_at)} by {detail.created_by}
              </dd>
              {detail.resolved_at && (
                <>
                  <dt>Resolved</dt>
                  <dd>{timeAgo(detail.resolved_at)}</dd>
                </>
              )}
              <dt>Version</dt>
              <dd>{detail.version}</dd>
            </dl>

            <Actions workflow={workflow} detail={detail} busy={busy} act={act} />

            <section className="drawer-section">
              <h2>Description</h2>
              <Markdown text={detail.description} />
            </section>

            <section className="drawer-section relations">
              <div>
                <h2>Blocked by ({detail.blocked_by.length})</h2>
                <RefList refs={detail.blocked_by} openTicket={openTicket} workflow={workflow} />
              </div>
              <div>
                <h2>Blocks ({detail.blocks.length})</h2>
                <RefList refs={detail.blocks} openTicket={openTicket} workflow={workflow} />
              </div>
            </section>

            {detail.parent && (
              <section className="drawer-section">
                <h2>Part of</h2>
                <RefList refs={[detail.parent]} openTicket={openTicket} workflow={workflow} />
              </section>
            )}

            {detail.children && detail.children.length > 0 && (
              <section className="drawer-section">
                <h2>
                  Children ({progressLabel(detail.progress)}){' '}
                  <a
                    className="link-button"
                    data-testid="children-on-board"
                    href={workflowUrl(workflow.id, 'board', null, { parent: detail.id })}
                    onClick={(e) => {
                      // In-app navigation: the router follows popstate.
                      e.preventDefault()
                      window.history.pushState(null, '', e.currentTarget.getAttribute('href'))
                      window.dispatchEvent(new PopStateEvent('popstate'))
                    }}
                  >
                    Show on the board
                  </a>
                </h2>
                <progress
                  className="children-progress"
                  value={progressShare(detail.progress)}
                  max={1}
                  aria-label={progressLabel(detail.progress) ?? undefined}
                />
                <ul className="ref-list">
                  {detail.children.map((c) => (
                    <li key={c.id} style={{ paddingLeft: `${indent(c)}rem` }}>
                      <button className="ref" onClick={() => openTicket(c.id)}>
                        <span
                          className={`state-dot ${c.is_resolved ? 'state-resolved' : c.is_blocked ? 'state-blocked' : 'state-open'}`}
                          aria-hidden="true"
                        />
                        <span className="ref-title">{c.title}</span> <code>{shortId(c.id)}</code>
                        <span className={`badge ${c.is_resolved ? 'resolved-badge' : 'status-badge'}`}>
                          {c.is_resolved ? 'resolved' : columnName(workflow.board_config, c.status)}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            )}

            {detail.tasks && (
              <section className="drawer-section">
                <h2>Tasks ({detail.tasks.length})</h2>
                <ul className="plain-list">
                  {detail.tasks.map((t) => (
                    <li key={t.task_id}>
                      <span className={`badge task-${t.status}`}>{t.status.replace('_', ' ')}</span>{' '}
                      <span className="muted">Phase {t.phase_id}</span> {t.description}
                      {t.assigned_agent_id && <span className="muted"> · {t.assigned_agent_id}</span>}
                    </li>
                  ))}
                  {detail.tasks.length === 0 && <li className="muted">No tasks</li>}
                </ul>
              </section>
            )}

            <TicketRuns runs={detail.runs} phases={workflow.phases} />

            {detail.commits && (
              <section className="drawer-section">
                <h2>Linked commits ({detail.commits.length})</h2>
                <ul className="plain-list">
                  {detail.commits.map((c) => {
                    const sha = c.sha
                    return (
                      <li key={sha}>
                        <code>{sha.slice(0, 10)}</code> {c.message.split('\n')[0]}
                        {c.author && <span className="muted"> · {c.author}</span>}
                      </li>
                    )
                  })}
                  {detail.commits.length === 0 && <li className="muted">None yet</li>}
                </ul>
              </section>
            )}

            <section className="drawer-section">
              <h2>Comments ({detail.comments.length})</h2>
              <ul className="comments">
                {detail.comments.map((c) => (
                  <li key={c.id} className="comment">
                    <div className="comment-head">
                      <strong>{c.author}</strong> <span className="muted">{timeAgo(c.created_at)}</span>
                    </div>
                    <Markdown text={c.comment_text} />
                  </li>
                ))}
              </ul>
              <AddComment
                busy={busy}
                onAdd={(text) =>
                  act('Comment added', () =>
                    api.post('/api/tickets/{ticket_id}/comments', { path: { ticket_id: detail.id }, body: { comment_text: text } }),
                  )
                }
              />
            </section>

            <section className="drawer-section">
              <h2>History</h2>
              <ol className="timeline" data-testid="history">
                {[...detail.history].reverse().map((h) => (
                  <li key={h.id} className={`timeline-item action-${h.action}`}>
                    <span className="timeline-dot" aria-hidden="true" />
                    <div>
                      <strong>{h.agent_id}</strong> {describeAction(h.action)}
                      {h.action === 'run_finished' && typeof h.details?.outcome === 'string' && (
                        <>
                          {' '}
                          <span className="muted">
                            ({h.details.agent_id && h.details.agent_id !== h.agent_id ? `${String(h.details.agent_id)}’s, ` : ''}
                            {outcomeLabel(h.details.outcome)})
                          </span>
                        </>
                      )}
                      {h.from_status && h.to_status && h.from_status !== h.to_status && (
                        <>
                          {' '}
                          <span className="transition">
                            {columnName(board, h.from_status)} → {columnName(board, h.to_status)}
                          </span>
                        </>
                      )}
                      {typeof h.details?.by_ticket_id === 'string' && (
                        <>
                          {' '}
                          via{' '}
                          <button className="link-button" onClick={() => openTicket(h.details.by_ticket_id as string)}>
                            {data.byId.get(h.details.by_ticket_id as string)?.title ?? (h.details.by_ticket_id as string)}
                          </button>
                        </>
                      )}
                      <div className="muted small">{new Date(h.created_at).toLocaleString()}</div>
                      {h.comment && <p className="timeline-comment">{h.comment}</p>}
                    </div>
                  </li>
                ))}
              </ol>
            </section>
          </div>
        )}
      </aside>
    </div>
  )

}

function RefList({
  refs,
  openTicket,
  workflow,
}: {
  refs: TicketRef[]
  openTicket: (id: string) => void
  workflow: Workflow
}) {
  if (refs.length === 0) return <p className="muted">Nothing</p>
  return (
    <ul className="ref-list">
      {refs.map((r) => (
        <li key={r.id}>
          <button className="ref" onClick={() => openTicket(r.id)}>
            <span className={`state-dot ${r.is_resolved ? 'state-resolved' : 'state-open'}`} aria-hidden="true" />
            <span className="ref-title">{r.title}</span> <code>{shortId(r.id)}</code>
            <span className={`badge ${r.is_resolved ? 'resolved-badge' : 'status-badge'}`}>
              {r.is_resolved ? 'resolved' : columnName(workflow.board_config, r.status)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  )
}

function Actions({
  workflow,
  detail,
  busy,
  act,
}: {
  workflow: Workflow
  detail: TicketDetail
  busy: boolean
  act: (what: string, call: () => Promise<StatusChange>) => Promise<boolean>
}) {
  const board = workflow.board_config
  const resolved = detail.is_resolved
  const [to, setTo] = useState(() => (resolved ? reopenTarget(board, workflow.effective, detail.history) : detail.status))
  const [comment, setComment] = useState('')
  const [confirmReopen, setConfirmReopen] = useState(false)
  // Only when the ticket itself changed (a re-read of the same version,
  // after any live event nearby, keeps what the person chose).
  useEffect(() => {
    setTo(resolved ? reopenTarget(board, workflow.effective, detail.history) : detail.status)
    setConfirmReopen(false)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [resolved, detail.status, detail.version, board])
  const moving = to !== detail.status
  const reopening = resolved && !isDone(workflow.effective, to)
  const openBlockers = detail.blocked_by.filter((b) => !b.is_resolved)
  const blocked = detail.is_blocked && !resolved
  const dependents = detail.blocks.filter((b) => !b.is_resolved)
  const index = (id: string) => board.columns.findIndex((c) => c.id === id)
  const forwardBlocked = blocked && index(to) > index(detail.status)
  const done = (ok: boolean) => {
    if (ok) setComment('')
    setConfirmReopen(false)
  }
  const doMove = () =>
    act(reopening ? 'Reopened' : `Moved to ${columnName(board, to)}`, () =>
      api.post('/api/tickets/{ticket_id}/status', {
        path: { ticket_id: detail.id },
        body: { new_status: to, comment: comment.trim() },
        ifMatch: detail.version,
      }),
    ).then(done)
  return (
    <section className="actions" aria-label="Actions">
      <textarea
        rows={2}
        placeholder={resolved ? 'Why reopen it?' : 'Comment for the move or resolution'}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        aria-label="Action comment"
      />
      <div className="action-row">
        <label className="inline">
          {resolved ? 'Reopen to' : 'Move to'}{' '}
          <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="Target column">
            {board.columns.map((c) => (
              <option key={c.id} value={c.id} disabled={resolved && isDone(workflow.effective, c.id)}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button
          disabled={busy || !moving || !comment.trim() || forwardBlocked}
          className={blocked ? 'primary' : undefined}
          onClick={() => (reopening && !confirmReopen ? setConfirmReopen(true) : void doMove())}
        >
          {resolved ? 'Reopen' : 'Move'}
        </button>
        {!resolved && (
          <button
            className={blocked ? undefined : 'primary'}
            disabled={busy || blocked}
            aria-describedby={blocked ? 'resolve-why' : undefined}
            onClick={() =>
              act('Resolved', () =>
                api.post('/api/tickets/{ticket_id}/resolve', {
                  path: { ticket_id: detail.id },
                  body: { resolution_comment: comment.trim() || null },
                }),
              ).then(done)
            }
            data-testid="resolve"
          >
            ✓ Resolve
          </button>
        )}
      </div>
      {blocked && (
        <p className="why-not" id="resolve-why" data-testid="resolve-why">
          Can’t resolve yet: waiting on {openBlockers.length ? titles(openBlockers) : 'unresolved blockers'}.
          {forwardBlocked && ` It can move back, but not forward to ${columnName(board, to)}.`}
        </p>
      )}
      {confirmReopen && (
        <div className="warning" data-testid="reopen-warning" role="alert">
          <p>
            <strong>Reopen “{detail.title}”?</strong> It leaves {columnName(board, detail.status)} for {columnName(board, to)}
            {dependents.length > 0
              ? `, and ${dependents.length} ticket${dependents.length === 1 ? '' : 's'} waiting on it will be blocked again: ${titles(dependents)}.`
              : '. No open ticket waits on it.'}
          </p>
          <div className="action-row">
            <button className="danger" disabled={busy} onClick={() => void doMove()} data-testid="confirm-reopen">
              Reopen it
            </button>
            <button onClick={() => setConfirmReopen(false)}>Keep it resolved</button>
          </div>
        </div>
      )}
    </section>
  )
}

function AddComment({ busy, onAdd }: { busy: boolean; onAdd: (text: string) => Promise<boolean> }) {
  const [text, setText] = useState('')
  return (
    <form
      className="add-comment"
      onSubmit={(e) => {
        e.preventDefault()
        if (text.trim()) onAdd(text.trim()).then((ok) => ok && setText(''))
      }}
    >
      <textarea
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Add a comment (Markdown)"
        aria-label="New comment"
      />
      <button type="submit" disabled={busy || !text.trim()}>
        Comment
      </button>
    </form>
  )
}


// The Kanban board: columns in board order with counts and WIP limits,
// filters, drag-and-drop (and keyboard) moves that ask for a comment and
// roll back with the server's message when refused, and ticket creation.

import {
  DndContext,
  DragOverlay,
  PointerSensor,
  pointerWithin,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core'
import { memo, useCallback, useMemo, useState, type KeyboardEvent } from 'react'

import { api, ApiError, enc } from '../api/client'
import { PRIORITIES, type StatusChange, type Ticket, type Workflow } from '../api/types'
import { Empty, Modal, PriorityBadge, useToast } from '../components/ui'
import type { TicketsState } from '../hooks/useTickets'
import {
  columnName,
  groupByColumn,
  isDone,
  neighbourColumn,
  openBlockers,
  transitionAllowed,
  type ColumnView,
} from '../lib/board'
import { applyFilters, filterOptions, filtersFromParams, filtersToParams, isFiltering, NO_FILTERS, UNASSIGNED, type Filters } from '../lib/filters'
import { shortId } from '../lib/format'
import { CreateTicketDialog } from './CreateTicket'

const CARDS_PER_COLUMN = 150

interface BoardProps {
  workflow: Workflow
  data: TicketsState
  openTicket: (id: string | null) => void
  params: URLSearchParams
  setParams: (params: Record<string, string>) => void
}

interface MoveRequest {
  ticket: Ticket
  to: string
}

export function BoardView({ workflow, data, openTicket, params, setParams }: BoardProps) {
  const board = workflow.board_config
  const toast = useToast()
  const filters = useMemo(() => filtersFromParams(params), [params])
  const setFilters = useCallback((f: Filters) => setParams(filtersToParams(f)), [setParams])
  /** Moves shown before the server confirmed them (rolled back on refusal). */
  const [pending, setPending] = useState<Map<string, string>>(new Map())
  const [move, setMove] = useState<MoveRequest | null>(null)
  const [dragging, setDragging] = useState<Ticket | null>(null)
  const [creating, setCreating] = useState(false)

  const shown = useMemo(
    () => data.tickets.map((t) => (pending.has(t.id) ? { ...t, status: pending.get(t.id) as string } : t)),
    [data.tickets, pending],
  )
  const visible = useMemo(() => applyFilters(shown, filters, board), [shown, filters, board])
  const columns = useMemo(() => groupByColumn(board, shown, visible), [board, shown, visible])
  const options = useMemo(() => filterOptions(data.tickets), [data.tickets])

  const setPendingMove = useCallback((id: string, status: string | null) => {
    setPending((old) => {
      const next = new Map(old)
      if (status === null) next.delete(id)
      else next.set(id, status)
      return next
    })
  }, [])

  const requestMove = useCallback(
    (ticket: Ticket, to: string) => {
      if (to === ticket.status) return
      setPendingMove(ticket.id, to)
      setMove({ ticket, to })
    },
    [setPendingMove],
  )

  const confirmMove = async (comment: string) => {
    if (!move) return
    const { ticket, to } = move
    setMove(null)
    try {
      const result = await api.post<StatusChange>(
        `/api/tickets/${enc(ticket.id)}/status`,
        { new_status: to, comment },
        { ifMatch: ticket.version },
      )
      data.put(result.ticket)
      setPendingMove(ticket.id, null)
      const unblocked = result.unblocked_ticket_ids.length
      toast({
        kind: 'success',
        title: `Moved ${shortId(ticket.id)} to ${columnName(board, to)}`,
        detail: unblocked > 0 ? `Unblocked ${unblocked} ticket${unblocked > 1 ? 's' : ''}.` : undefined,
      })
    } catch (err) {
      setPendingMove(ticket.id, null)
      const e = err instanceof ApiError ? err : new ApiError(0, 'error', String(err))
      toast({ kind: 'error', title: `Move refused: ${e.message}`, detail: e.hint || undefined })
      if (e.status === 412) data.reload()
    }
  }

  const cancelMove = () => {
    if (move) setPendingMove(move.ticket.id, null)
    setMove(null)
  }

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }))
  const onDragStart = (e: DragStartEvent) => setDragging(data.byId.get(String(e.active.id)) ?? null)
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    const ticket = data.byId.get(String(e.active.id))
    const to = e.over ? String(e.over.id) : null
    if (ticket && to && to !== (pending.get(ticket.id) ?? ticket.status)) requestMove(ticket, to)
  }

  const onCardKey = useCallback(
    (ticket: Ticket, e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault()
        openTicket(ticket.id)
        return
      }
      const step = (e.shiftKey && e.key === 'ArrowRight') || e.key === ']' ? 1 : (e.shiftKey && e.key === 'ArrowLeft') || e.key === '[' ? -1 : 0
      if (step === 0) return
      e.preventDefault()
      const to = neighbourColumn(board, ticket.status, step)
      if (to) requestMove(ticket, to)
    },
    [board, openTicket, requestMove],
  )

  if (data.error && data.tickets.length === 0) {
    return (
      <Empty title="Cannot load the tickets">
        <p>{data.error.message}</p>
      </Empty>
    )
  }

  return (
    <div className="board-page">
      <FilterBar
        workflow={workflow}
        filters={filters}
        setFilters={setFilters}
        assignees={options.assignees}
        tags={options.tags}
        shown={visible.length}
        total={data.tickets.length}
        onCreate={() => setCreating(true)}
      />
      {data.loading && data.tickets.length === 0 ? (
        <div className="loading">Loading tickets…</div>
      ) : (
        <DndContext
          sensors={sensors}
          collisionDetection={pointerWithin}
          onDragStart={onDragStart}
          onDragEnd={onDragEnd}
          onDragCancel={() => setDragging(null)}
          accessibility={{
            screenReaderInstructions: {
              draggable:
                'Press Enter to open the ticket. Shift+Right arrow or ] moves it to the next column, Shift+Left arrow or [ to the previous one.',
            },
          }}
        >
          <div className="board" data-testid="board">
            {columns.map((view) => (
              <BoardColumn
                key={view.column.id}
                view={view}
                byId={data.byId}
                pending={pending}
                openTicket={openTicket}
                onCardKey={onCardKey}
                done={isDone(board, view.column.id)}
              />
            ))}
          </div>
          <DragOverlay dropAnimation={null}>
            {dragging && <CardBody ticket={dragging} byId={data.byId} overlay />}
          </DragOverlay>
        </DndContext>
      )}
      {move && (
        <MoveDialog workflow={workflow} move={move} byId={data.byId} onCancel={cancelMove} onConfirm={confirmMove} />
      )}
      {creating && (
        <CreateTicketDialog
          workflow={workflow}
          tickets={data.tickets}
          onClose={() => setCreating(false)}
          onCreated={(ticket) => {
            data.put(ticket)
            setCreating(false)
            toast({ kind: 'success', title: `Created ${shortId(ticket.id)}`, detail: ticket.title })
          }}
        />
      )}
    </div>
  )
}

function FilterBar({
  workflow,
  filters,
  setFilters,
  assignees,
  tags,
  shown,
  total,
  onCreate,
}: {
  workflow: Workflow
  filters: Filters
  setFilters: (f: Filters) => void
  assignees: string[]
  tags: string[]
  shown: number
  total: number
  onCreate: () => void
}) {
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters({ ...filters, [key]: value })
  return (
    <div className="filterbar" role="search">
      <input
        type="search"
        className="filter-text"
        placeholder="Filter cards…"
        aria-label="Filter cards by text"
        value={filters.text}
        onChange={(e) => set('text', e.target.value)}
      />
      <select aria-label="Type" value={filters.type} onChange={(e) => set('type', e.target.value)}>
        <option value="">All types</option>
        {workflow.board_config.ticket_types.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <select
        aria-label="Priority"
        value={filters.priority}
        onChange={(e) => set('priority', e.target.value as Filters['priority'])}
      >
        <option value="">All priorities</option>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <select aria-label="Assignee" value={filters.assignee} onChange={(e) => set('assignee', e.target.value)}>
        <option value="">Anyone</option>
        <option value={UNASSIGNED}>Unassigned</option>
        {assignees.map((a) => (
          <option key={a} value={a}>
            {a}
          </option>
        ))}
      </select>
      <select aria-label="Tag" value={filters.tag} onChange={(e) => set('tag', e.target.value)}>
        <option value="">Any tag</option>
        {tags.map((t) => (
          <option key={t} value={t}>
            #{t}
          </option>
        ))}
      </select>
      <label className="check">
        <input type="checkbox" checked={filters.hideBlocked} onChange={(e) => set('hideBlocked', e.target.checked)} />
        Hide blocked
      </label>
      <label className="check">
        <input type="checkbox" checked={filters.onlyReady} onChange={(e) => set('onlyReady', e.target.checked)} />
        Only ready
      </label>
      {isFiltering(filters) && (
        <button className="link-button" onClick={() => setFilters(NO_FILTERS)}>
          Clear
        </button>
      )}
      <span className="muted count" data-testid="shown-count">
        {shown === total ? `${total} tickets` : `${shown} of ${total} tickets`}
      </span>
      <div className="spacer" />
      <button className="primary" onClick={onCreate}>
        + New ticket
      </button>
    </div>
  )
}

const BoardColumn = memo(function BoardColumn({
  view,
  byId,
  pending,
  openTicket,
  onCardKey,
  done,
}: {
  view: ColumnView
  byId: Map<string, Ticket>
  pending: Map<string, string>
  openTicket: (id: string) => void
  onCardKey: (ticket: Ticket, e: KeyboardEvent) => void
  done: boolean
}) {
  const { setNodeRef, isOver } = useDroppable({ id: view.column.id })
  const [limit, setLimit] = useState(CARDS_PER_COLUMN)
  const { column, tickets, count, wipLimit, overLimit, atLimit } = view
  const classes = ['column', isOver ? 'drop-over' : '', overLimit ? 'over-limit' : '', done ? 'done-column' : '']
  return (
    <section
      ref={setNodeRef}
      className={classes.join(' ')}
      data-testid={`column-${column.id}`}
      data-status={column.id}
      aria-label={`${column.name}: ${count} tickets`}
    >
      <header className="column-header">
        <h2 title={column.id}>{column.name}</h2>
        <span className="column-count" data-testid="column-count">
          {count}
        </span>
        {wipLimit !== null && (
          <span
            className={`wip ${overLimit ? 'wip-over' : atLimit ? 'wip-at' : ''}`}
            title={overLimit ? `Over its WIP limit of ${wipLimit}` : `WIP limit ${wipLimit}`}
            data-testid="wip"
          >
            {overLimit ? `over WIP ${count}/${wipLimit}` : `WIP ${count}/${wipLimit}`}
          </span>
        )}
      </header>
      <div className="cards">
        {tickets.slice(0, limit).map((ticket) => (
          <Card
            key={ticket.id}
            ticket={ticket}
            byId={byId}
            saving={pending.has(ticket.id)}
            openTicket={openTicket}
            onCardKey={onCardKey}
          />
        ))}
        {tickets.length > limit && (
          <button className="link-button more" onClick={() => setLimit((n) => n + 500)}>
            Show {Math.min(500, tickets.length - limit)} more of {tickets.length - limit}
          </button>
        )}
        {tickets.length === 0 && <p className="column-empty">{count > 0 ? 'All filtered out' : 'No tickets'}</p>}
      </div>
    </section>
  )
})

const Card = memo(function Card({
  ticket,
  byId,
  saving,
  openTicket,
  onCardKey,
}: {
  ticket: Ticket
  byId: Map<string, Ticket>
  saving: boolean
  openTicket: (id: string) => void
  onCardKey: (ticket: Ticket, e: KeyboardEvent) => void
}) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: ticket.id })
  return (
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      className={`card-wrap ${isDragging ? 'dragging' : ''} ${saving ? 'saving' : ''}`}
      data-testid="card"
      data-ticket-id={ticket.id}
      aria-label={`${ticket.id}: ${ticket.title}`}
      onClick={() => openTicket(ticket.id)}
      onKeyDown={(e) => onCardKey(ticket, e)}
    >
      <CardBody ticket={ticket} byId={byId} />
    </div>
  )
})

function CardBody({ ticket, byId, overlay }: { ticket: Ticket; byId: Map<string, Ticket>; overlay?: boolean }) {
  const blockers = ticket.is_blocked ? openBlockers(ticket, byId) : []
  return (
    <article className={`card ${ticket.is_blocked && !ticket.is_resolved ? 'is-blocked' : ''} ${ticket.is_resolved ? 'is-resolved' : ''} ${overlay ? 'overlay' : ''}`}>
      <div className="card-top">
        <span className="card-id">{ticket.id}</span>
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
      <div className="card-bottom">
        {ticket.is_blocked && !ticket.is_resolved && (
          <span className="badge blocked-badge" data-testid="blocked-badge" tabIndex={-1}>
            ⛔ Blocked{blockers.length > 0 ? ` by ${blockers.length}` : ''}
            <span className="popover" role="tooltip">
              <strong>Waiting on</strong>
              {blockers.length === 0 && <span>unresolved blockers</span>}
              {blockers.map((b) => (
                <span key={b.id} className="popover-row">
                  <code>{shortId(b.id)}</code> {b.title} <em>({b.status})</em>
                </span>
              ))}
            </span>
          </span>
        )}
        {ticket.is_resolved && (
          <span className="badge resolved-badge" data-testid="resolved-badge">
            ✓ Resolved
          </span>
        )}
        {(ticket.commit_count ?? 0) > 0 && (
          <span className="badge commits" title="Linked commits">
            ⎇ {ticket.commit_count}
          </span>
        )}
        <span className="spacer" />
        {ticket.assigned_agent_id && (
          <span className="assignee" title={`Assigned to ${ticket.assigned_agent_id}`}>
            <span className="avatar" aria-hidden="true">
              {ticket.assigned_agent_id.slice(0, 2).toUpperCase()}
            </span>
            {ticket.assigned_agent_id}
          </span>
        )}
      </div>
    </article>
  )
}

function MoveDialog({
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
  const fromIndex = board.columns.findIndex((c) => c.id === ticket.status)
  const toIndex = board.columns.findIndex((c) => c.id === to)
  const blockers = openBlockers(ticket, byId)
  const warnings: string[] = []
  if (ticket.is_blocked && toIndex > fromIndex) {
    warnings.push(
      `This ticket is blocked${blockers.length ? ` by ${blockers.map((b) => b.id).join(', ')}` : ''}; blocked tickets cannot move forward.`,
    )
  }
  if (!transitionAllowed(board, ticket.status, to)) warnings.push('The board does not allow this transition.')
  const target = board.columns.find((c) => c.id === to)
  const inTarget = [...byId.values()].filter((t) => t.status === to).length
  if (target?.wip_limit && inTarget >= target.wip_limit) warnings.push(`${target.name} is at its WIP limit of ${target.wip_limit}.`)
  const submit = () => comment.trim() && onConfirm(comment.trim())
  return (
    <Modal
      title={`Move ${shortId(ticket.id)}`}
      onClose={onCancel}
      footer={
        <>
          <button onClick={onCancel}>Cancel</button>
          <button className="primary" disabled={!comment.trim()} onClick={submit} data-testid="confirm-move">
            Move to {columnName(board, to)}
          </button>
        </>
      }
    >
      <p className="move-summary">
        <strong>{ticket.title}</strong>
        <br />
        {columnName(board, ticket.status)} <span aria-hidden="true">→</span> {columnName(board, to)}
      </p>
      {warnings.map((w) => (
        <p key={w} className="warning">
          {w} The server decides; it will say why if it refuses.
        </p>
      ))}
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

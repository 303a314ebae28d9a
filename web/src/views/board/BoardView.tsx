// The Kanban board: phase bands over the columns, columns in board order
// with counts and WIP limits (or swimlanes per agent), filters, and moves by
// drag-and-drop or keyboard. A move the board's rules refuse (a blocked
// ticket forward, a transition the board does not allow) is refused at once,
// naming why; others ask for a comment and roll back with the server's
// reason, in a person's words, when refused.

import { DndContext, DragOverlay, MouseSensor, pointerWithin, TouchSensor, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core'
import { useCallback, useMemo, useState, type KeyboardEvent } from 'react'

import { api, asApiError } from '../../api/client'
import type { Ticket, Workflow } from '../../api/types'
import { Empty, useToast } from '../../components/ui'
import { useNow } from '../../hooks/useNow'
import type { TicketsState } from '../../hooks/useTickets'
import { groupByColumn, isDone, isReady, neighbourColumn, openBlockers, transitionAllowed } from '../../lib/board'
import { applyFilters, filterOptions, filtersFromParams, filtersToParams, type Filters } from '../../lib/filters'
import { columnLabel, refusal, titles, violationText } from '../../lib/wording'
import { CreateTicketDialog } from '../CreateTicket'
import { CardBody } from './Card'
import { columnOfDrop, Columns, PhaseBands, Swimlanes, type CardContext } from './Columns'
import { FilterBar } from './FilterBar'
import { MoveDialog, type MoveRequest } from './MoveDialog'

interface BoardProps {
  workflow: Workflow
  data: TicketsState
  openTicket: (id: string | null) => void
  params: URLSearchParams
  setParams: (params: Record<string, string>) => void
}

export function BoardView({ workflow, data, openTicket, params, setParams }: BoardProps) {
  const board = workflow.board_config
  const toast = useToast()
  const now = useNow(30_000)
  const filters = useMemo(() => filtersFromParams(params), [params])
  const byAgent = params.get('group') === 'agent'
  const setFilters = useCallback(
    (f: Filters) => setParams({ ...filtersToParams(f), ...(byAgent ? { group: 'agent' } : {}) }),
    [setParams, byAgent],
  )
  const setByAgent = useCallback(
    (on: boolean) => setParams({ ...filtersToParams(filters), ...(on ? { group: 'agent' } : {}) }),
    [setParams, filters],
  )
  /** Moves shown before the server confirmed them (rolled back on refusal). */
  const [pending, setPending] = useState<Map<string, string>>(new Map())
  const [move, setMove] = useState<MoveRequest | null>(null)
  const [dragging, setDragging] = useState<Ticket | null>(null)
  const [creating, setCreating] = useState(false)

  const shown = useMemo(
    () => data.tickets.map((t) => (pending.has(t.id) ? { ...t, status: pending.get(t.id) as string } : t)),
    [data.tickets, pending],
  )
  const visible = useMemo(() => applyFilters(shown, filters, isReady, workflow.phases), [shown, filters, isReady, workflow.phases])
  const columns = useMemo(() => groupByColumn(board, shown, visible), [board, shown, visible])
  const options = useMemo(() => filterOptions(data.tickets), [data.tickets])
  const rules = workflow.effective
  const isDoneColumn = useCallback((id: string) => isDone(rules, id), [rules])

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
      const from = board.columns.findIndex((c) => c.id === ticket.status)
      const target = board.columns.findIndex((c) => c.id === to)
      // The server's rules as its answers state them: a blocked ticket
      // (`is_blocked`) moves back but not forward; the board's transitions.
      if (ticket.is_blocked && !ticket.is_resolved && target > from) {
        const blockers = openBlockers(ticket, data.byId)
        toast({
          kind: 'error',
          title: `“${ticket.title}” is blocked${blockers.length ? ` by ${titles(blockers, 2)}` : ''}`,
          detail: `It can move back, but not forward to ${columnLabel(board, to)} until ${blockers.length === 1 ? 'that ticket is' : 'they are'} resolved.`,
        })
        return
      }
      if (!transitionAllowed(board, ticket.status, to)) {
        const allowed = board.transitions?.[ticket.status] ?? []
        toast({
          kind: 'error',
          title: `This board does not allow moving from ${columnLabel(board, ticket.status)} to ${columnLabel(board, to)}`,
          detail: allowed.length ? `From ${columnLabel(board, ticket.status)} a ticket may go to ${allowed.map((c) => columnLabel(board, c)).join(', ')}.` : undefined,
        })
        return
      }
      setPendingMove(ticket.id, to)
      setMove({ ticket, to })
    },
    [board, data.byId, setPendingMove, toast],
  )

  const confirmMove = async (comment: string) => {
    if (!move) return
    const { ticket, to } = move
    setMove(null)
    try {
      const result = await api.post('/api/tickets/{ticket_id}/status', {
        path: { ticket_id: ticket.id },
        body: { new_status: to, comment },
        ifMatch: ticket.version,
      })
      data.put(result.ticket)
      setPendingMove(ticket.id, null)
      const named = (ids: string[]) => titles(ids.map((id) => ({ title: data.byId.get(id)?.title ?? id })))
      const lines: string[] = []
      if (result.unblocked_ticket_ids.length) lines.push(`Unblocked ${named(result.unblocked_ticket_ids)}.`)
      if (result.reblocked_ticket_ids.length) lines.push(`Blocked again: ${named(result.reblocked_ticket_ids)}.`)
      const warnings = (result.violations ?? []).map((v) => `Guardian: ${violationText(v, board)}`)
      toast({
        kind: warnings.length ? 'warning' : 'success',
        title: `Moved “${ticket.title}” to ${columnLabel(board, to)}`,
        lines: [...lines, ...warnings],
      })
    } catch (err) {
      setPendingMove(ticket.id, null)
      const e = asApiError(err)
      const r = refusal(e, board, `“${ticket.title}”`)
      toast({ kind: 'error', title: `Not moved: ${r.title}`, detail: r.detail })
      if (e.status === 412) data.reload()
    }
  }

  const cancelMove = () => {
    if (move) setPendingMove(move.ticket.id, null)
    setMove(null)
  }

  // Mouse: drag after 6 px. Touch: press and hold, so a swipe still scrolls.
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
  )
  const onDragStart = (e: DragStartEvent) => setDragging(data.byId.get(String(e.active.id)) ?? null)
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    const ticket = data.byId.get(String(e.active.id))
    const to = e.over ? columnOfDrop(String(e.over.id)) : null
    if (ticket && to && to !== (pending.get(ticket.id) ?? ticket.status)) requestMove(ticket, to)
  }

  const onCardKey = useCallback(
    (ticket: Ticket, e: KeyboardEvent) => {
      if (e.target !== e.currentTarget) return
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

  const ctx: CardContext = useMemo(
    () => ({ board, byId: data.byId, isReady, pending, changedAt: data.changedAt, now, openTicket, onCardKey }),
    [board, data.byId, isReady, pending, data.changedAt, now, openTicket, onCardKey],
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
        parents={options.parents}
        shown={visible.length}
        total={data.tickets.length}
        byAgent={byAgent}
        setByAgent={setByAgent}
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
          <div className="board-scroll" data-testid="board-scroll">
            <PhaseBands phases={workflow.phases} columns={columns} />
            {byAgent ? <Swimlanes columns={columns} isDoneColumn={isDoneColumn} ctx={ctx} /> : <Columns columns={columns} isDoneColumn={isDoneColumn} ctx={ctx} />}
          </div>
          <DragOverlay dropAnimation={null}>
            {dragging && <CardBody ticket={dragging} board={board} byId={data.byId} ready={isReady(dragging)} now={now} overlay />}
          </DragOverlay>
        </DndContext>
      )}
      {move && <MoveDialog workflow={workflow} move={move} byId={data.byId} onCancel={cancelMove} onConfirm={confirmMove} />}
      {creating && (
        <CreateTicketDialog
          workflow={workflow}
          tickets={data.tickets}
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            data.put(created.ticket)
            setCreating(false)
            const similar = created.similar_tickets ?? []
            const warnings = (created.violations ?? []).map((v) => `Guardian: ${violationText(v, board)}`)
            toast({
              kind: similar.length || warnings.length ? 'warning' : 'success',
              title: `Created “${created.ticket.title}”`,
              detail: similar.length ? `It looks like ${similar.length === 1 ? 'an open ticket' : `${similar.length} open tickets`}; is it a duplicate?` : undefined,
              lines: [
                ...similar.slice(0, 3).map((s) => `“${s.title}” in ${columnLabel(board, s.status)}: ${Math.round(s.similarity * 100)} % similar`),
                ...warnings,
              ],
              actions: similar.slice(0, 3).map((s) => ({ label: `Open “${s.title}”`, onClick: () => openTicket(s.id) })),
            })
          }}
        />
      )}
    </div>
  )
}

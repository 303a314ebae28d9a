// The board's grid: phase bands over the columns they cover, then the
// columns (or, grouped by agent, one swimlane per agent across all columns).

import { useDroppable } from '@dnd-kit/core'
import { memo, useState, type CSSProperties, type KeyboardEvent } from 'react'

import type { BoardConfig, Phase, Ticket } from '../../api/types'
import { Avatar } from '../../components/ui'
import type { ColumnView } from '../../lib/board'
import { phaseBands } from '../../lib/phases'
import { Card } from './Card'

const CARDS_PER_COLUMN = 150
const CARDS_PER_LANE_CELL = 40

export interface CardContext {
  board: BoardConfig
  byId: Map<string, Ticket>
  isReady: (t: Ticket) => boolean
  pending: Map<string, string>
  changedAt: Map<string, number>
  now: number
  openTicket: (id: string) => void
  onCardKey: (ticket: Ticket, e: KeyboardEvent) => void
}

/** The droppable id of a cell: the column, and the lane in swimlane mode. */
export function dropId(column: string, lane: string | null): string {
  return lane === null ? column : `${lane}\u0000${column}`
}
export function columnOfDrop(id: string): string {
  const at = id.indexOf('\u0000')
  return at < 0 ? id : id.slice(at + 1)
}

function gridStyle(n: number): CSSProperties {
  return { '--columns': n } as CSSProperties
}

export function PhaseBands({ phases, columns }: { phases: Phase[]; columns: ColumnView[] }) {
  const bands = phaseBands(
    phases,
    columns.map((c) => c.column),
  )
  if (bands.length === 0) return null
  return (
    <div className="phase-bands" style={gridStyle(columns.length)} aria-label="Phases" data-testid="phase-bands">
      {bands.map((b) => (
        <div
          key={b.phase.id}
          className={`phase-band phase-${b.phase.id % 6}`}
          style={{ gridColumn: `${b.start + 1} / ${b.end + 2}`, gridRow: b.lane + 1 }}
          title={b.phase.description ?? b.phase.name}
          data-testid="phase-band"
          data-phase={b.phase.id}
        >
          <span className="phase-num">Phase {b.phase.id}</span> {b.phase.name}
        </div>
      ))}
    </div>
  )
}

function ColumnHeader({ view, showCount = true }: { view: ColumnView; showCount?: boolean }) {
  const { column, count, wipLimit, overLimit, atLimit } = view
  return (
    <header className="column-header">
      <h2 title={column.id}>{column.name}</h2>
      {showCount && (
        <span className="column-count" data-testid="column-count">
          {count}
        </span>
      )}
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
  )
}

function CardList({ tickets, limit: initial, ctx, empty }: { tickets: Ticket[]; limit: number; ctx: CardContext; empty: string }) {
  const [limit, setLimit] = useState(initial)
  return (
    <div className="cards">
      {tickets.slice(0, limit).map((ticket) => (
        <Card
          key={ticket.id}
          ticket={ticket}
          board={ctx.board}
          byId={ctx.byId}
          ready={ctx.isReady(ticket)}
          saving={ctx.pending.has(ticket.id)}
          changedAt={ctx.changedAt.get(ticket.id)}
          now={ticket.lease_expires_at ? ctx.now : 0}
          openTicket={ctx.openTicket}
          onCardKey={ctx.onCardKey}
        />
      ))}
      {tickets.length > limit && (
        <button className="link-button more" onClick={() => setLimit((n) => n + 500)}>
          Show {Math.min(500, tickets.length - limit)} more of {tickets.length - limit}
        </button>
      )}
      {tickets.length === 0 && empty && <p className="column-empty">{empty}</p>}
    </div>
  )
}

export const BoardColumn = memo(function BoardColumn({ view, done, ctx }: { view: ColumnView; done: boolean; ctx: CardContext }) {
  const { setNodeRef, isOver } = useDroppable({ id: dropId(view.column.id, null) })
  const classes = ['column', isOver ? 'drop-over' : '', view.overLimit ? 'over-limit' : '', done ? 'done-column' : '']
  return (
    <section
      ref={setNodeRef}
      className={classes.join(' ')}
      data-testid={`column-${view.column.id}`}
      data-status={view.column.id}
      aria-label={`${view.column.name}: ${view.count} tickets`}
    >
      <ColumnHeader view={view} />
      <CardList tickets={view.tickets} limit={CARDS_PER_COLUMN} ctx={ctx} empty={view.count > 0 ? 'All filtered out' : 'No tickets'} />
    </section>
  )
})

export function Columns({ columns, isDoneColumn, ctx }: { columns: ColumnView[]; isDoneColumn: (id: string) => boolean; ctx: CardContext }) {
  return (
    <div className="board" data-testid="board" style={gridStyle(columns.length)}>
      {columns.map((view) => (
        <BoardColumn key={view.column.id} view={view} done={isDoneColumn(view.column.id)} ctx={ctx} />
      ))}
    </div>
  )
}

export interface Lane {
  /** Agent id, or null for unassigned tickets. */
  agent: string | null
  columns: ColumnView[]
  count: number
}

/** Swimlanes: one per agent holding tickets (busiest first), unassigned last. */
export function lanesByAgent(columns: ColumnView[]): Lane[] {
  const lanes = new Map<string | null, Lane>()
  columns.forEach((view, i) => {
    for (const t of view.tickets) {
      const agent = t.assigned_agent_id ?? null
      let lane = lanes.get(agent)
      if (!lane) {
        lane = { agent, count: 0, columns: columns.map((c) => ({ ...c, tickets: [] })) }
        lanes.set(agent, lane)
      }
      lane.columns[i].tickets.push(t)
      lane.count++
    }
  })
  return [...lanes.values()].sort((a, b) => {
    if (a.agent === null) return 1
    if (b.agent === null) return -1
    return b.count - a.count || a.agent.localeCompare(b.agent)
  })
}

function LaneCell({ view, lane, done, ctx }: { view: ColumnView; lane: string | null; done: boolean; ctx: CardContext }) {
  const { setNodeRef, isOver } = useDroppable({ id: dropId(view.column.id, lane ?? '-') })
  return (
    <section
      ref={setNodeRef}
      className={`column lane-cell ${isOver ? 'drop-over' : ''} ${done ? 'done-column' : ''}`}
      data-testid={`lane-cell-${view.column.id}`}
      data-status={view.column.id}
      aria-label={`${lane ?? 'Unassigned'} in ${view.column.name}: ${view.tickets.length} tickets`}
    >
      <CardList tickets={view.tickets} limit={CARDS_PER_LANE_CELL} ctx={ctx} empty="" />
    </section>
  )
}

export function Swimlanes({ columns, isDoneColumn, ctx }: { columns: ColumnView[]; isDoneColumn: (id: string) => boolean; ctx: CardContext }) {
  const lanes = lanesByAgent(columns)
  return (
    <div className="board lanes" data-testid="board" style={gridStyle(columns.length)}>
      {columns.map((view) => (
        <div key={view.column.id} className="column lane-head">
          <ColumnHeader view={view} />
        </div>
      ))}
      {lanes.map((lane) => (
        <div key={lane.agent ?? '-'} className="lane" data-testid="lane" data-agent={lane.agent ?? ''}>
          <h2 className="lane-title">
            {lane.agent ? <Avatar agent={lane.agent} /> : <span className="avatar avatar-none" aria-hidden="true">–</span>}
            <span>{lane.agent ?? 'Unassigned'}</span>
            <span className="muted">{lane.count}</span>
          </h2>
          {lane.columns.map((view) => (
            <LaneCell key={view.column.id} view={view} lane={lane.agent} done={isDoneColumn(view.column.id)} ctx={ctx} />
          ))}
        </div>
      ))}
      {lanes.length === 0 && <p className="column-empty">No tickets</p>}
    </div>
  )
}

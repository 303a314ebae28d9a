// The dependency graph, drawn with @xyflow/react from the live ticket list
// (edges from `blocked_by_ticket_ids`), nodes coloured by state. The layout
// runs only when the drawing's shape changes (tickets or edges come or go);
// a status change just recolours its node, so a live change at 1,000
// tickets costs no re-layout. Resolved tickets are hidden by default above
// 200 tickets; focus shows N hops up and down; the critical path (from the
// server) is its own edge style, leaving the node colours visible.

import { Background, BaseEdge, Controls, Handle, MarkerType, MiniMap, Position, ReactFlow, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react'

import { api } from '../api/client'
import type { Ticket, Workflow } from '../api/types'
import { Empty } from '../components/ui'
import { useLiveEvents } from '../hooks/useLive'
import type { TicketsState } from '../hooks/useTickets'
import { columnName, isReady, STATE_LABEL, ticketState, type TicketState } from '../lib/board'
import { shortId } from '../lib/format'
import { criticalEdges, edgeKey, HIDE_RESOLVED_ABOVE, neighbourhood, NODE_HEIGHT, NODE_WIDTH, placeGraph, routedPath, shapeKey, ticketEdges, type Placement } from '../lib/graph'
import { agentInitials } from '../lib/agents'

interface TicketNodeData extends Record<string, unknown> {
  ticket: Ticket
  state: TicketState
  critical: boolean
  focused: boolean
  statusName: string
  direction: 'TB' | 'LR'
}

const TicketNode = memo(function TicketNode({ data }: NodeProps<Node<TicketNodeData>>) {
  const { ticket, state, critical, focused, statusName, direction } = data
  return (
    <div
      className={`gnode gnode-${state} ${critical ? 'gnode-critical' : ''} ${focused ? 'gnode-focused' : ''}`}
      data-testid="graph-node"
      data-ticket-id={ticket.id}
      data-state={state}
      data-critical={critical ? 'true' : 'false'}
      title={`${ticket.title}\n${STATE_LABEL[state]} · ${statusName}${ticket.assigned_agent_id ? ` · ${ticket.assigned_agent_id}` : ''}`}
    >
      <Handle type="target" position={direction === 'TB' ? Position.Top : Position.Left} isConnectable={false} />
      <div className="gnode-top">
        <code>{shortId(ticket.id)}</code>
        <span className="gnode-status">{statusName}</span>
        {ticket.assigned_agent_id && <span className="gnode-agent">{agentInitials(ticket.assigned_agent_id)}</span>}
      </div>
      <div className="gnode-title">{ticket.title}</div>
      <Handle type="source" position={direction === 'TB' ? Position.Bottom : Position.Right} isConnectable={false} />
    </div>
  )
})

const nodeTypes = { ticket: TicketNode }

/** An edge through dagre's bend points, so it goes around the nodes between its ends. */
function RoutedEdge({ sourceX, sourceY, targetX, targetY, data, markerEnd, style, interactionWidth }: EdgeProps<Edge<{ bends: { x: number; y: number }[] }>>) {
  const path = routedPath({ x: sourceX, y: sourceY }, data?.bends ?? [], { x: targetX, y: targetY })
  return <BaseEdge path={path} markerEnd={markerEnd} style={style} interactionWidth={interactionWidth} />
}

const edgeTypes = { routed: RoutedEdge }

const STATE_COLOUR: Record<TicketState, string> = {
  resolved: '#16a34a',
  blocked: '#dc2626',
  ready: '#2563eb',
  in_progress: '#d97706',
}
const EDGE = 'var(--edge)'
const CRITICAL = 'var(--critical)'
const MAX_DEPTH = 6

export default function GraphView({
  workflow,
  data,
  openTicket,
  params,
  setParams,
}: {
  workflow: Workflow
  data: TicketsState
  openTicket: (id: string | null) => void
  params: URLSearchParams
  setParams: (params: Record<string, string>) => void
}) {
  const board = workflow.board_config
  const total = data.tickets.length
  const resolvedParam = params.get('resolved')
  const showResolved = resolvedParam === null ? total <= HIDE_RESOLVED_ABOVE : resolvedParam !== '0'
  const focus = params.get('focus')
  const depth = Math.max(1, Math.min(MAX_DEPTH, Number(params.get('depth') ?? 2) || 2))
  const direction: 'TB' | 'LR' = params.get('dir') === 'LR' ? 'LR' : 'TB'
  const [criticalPath, setCriticalPath] = useState<string[]>([])
  const [focusInput, setFocusInput] = useState(focus ?? '')
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const update = (next: Record<string, string | null>) => {
    const merged: Record<string, string> = Object.fromEntries(params.entries())
    for (const [k, v] of Object.entries(next)) {
      if (v === null) delete merged[k]
      else merged[k] = v
    }
    setParams(merged)
  }

  // The critical path is the server's (the longest chain of unresolved
  // tickets), read on its own (a few ids, not the graph) a moment after
  // changes settle.
  const loadPath = useCallback(() => {
    api
      .get('/api/workflows/{workflow_id}/critical-path', { path: { workflow_id: workflow.id } })
      .then((p) => setCriticalPath((old) => (old.length === p.critical_path.length && old.every((id, i) => id === p.critical_path[i]) ? old : p.critical_path)))
      .catch(() => {})
  }, [workflow.id])
  useEffect(loadPath, [loadPath])
  useLiveEvents(() => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = setTimeout(loadPath, 300)
  })
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])
  useEffect(() => setFocusInput(focus ?? ''), [focus])

  const allEdges = useMemo(() => ticketEdges(data.tickets), [data.tickets])
  const focusMissing = focus !== null && !data.loading && !data.byId.has(focus)

  // What is drawn: the ids and edges (the shape), separate from the states.
  const shapeRef = useRef<{ ids: string[]; edges: { from: string; to: string }[]; key: string } | null>(null)
  const shape = useMemo(() => {
    let tickets = data.tickets
    if (focus && data.byId.has(focus)) {
      const near = neighbourhood(focus, allEdges, depth)
      tickets = tickets.filter((t) => near.has(t.id))
    }
    if (!showResolved) tickets = tickets.filter((t) => !t.is_resolved || t.id === focus)
    const ids = tickets.map((t) => t.id)
    const keep = new Set(ids)
    const edges = allEdges.filter((e) => keep.has(e.from) && keep.has(e.to))
    const key = shapeKey(ids, edges, direction)
    // The same shape keeps the same object, so edges are not rebuilt.
    if (shapeRef.current?.key === key) return shapeRef.current
    shapeRef.current = { ids, edges, key }
    return shapeRef.current
  }, [data.tickets, data.byId, allEdges, focus, depth, showResolved, direction])

  // Lay out only when the shape changes. Removing tickets keeps everyone
  // else where they were.
  const layoutRef = useRef<{ key: string; ids: Set<string>; placement: Placement } | null>(null)
  const placement = useMemo(() => {
    const prev = layoutRef.current
    if (prev?.key === shape.key) return prev.placement
    let next: Placement
    const onlyRemoved = prev !== null && shape.ids.every((id) => prev.ids.has(id)) && shape.key.split('|')[0] === prev.key.split('|')[0]
    if (onlyRemoved && prev) {
      next = { positions: new Map(shape.ids.map((id) => [id, prev.placement.positions.get(id)!])), routes: prev.placement.routes }
    } else {
      next = placeGraph(shape.ids, shape.edges, direction)
    }
    layoutRef.current = { key: shape.key, ids: new Set(shape.ids), placement: next }
    return next
  }, [shape, direction])
  const positions = placement.positions

  const onPath = useMemo(() => new Set(criticalPath), [criticalPath])
  const pathEdges = useMemo(() => criticalEdges(criticalPath), [criticalPath])

  // Node objects are reused while nothing about them changed, so a live
  // change re-renders one node, not a thousand.
  const nodeCache = useRef(new Map<string, Node<TicketNodeData>>())
  const nodes = useMemo(() => {
    const cache = nodeCache.current
    const out: Node<TicketNodeData>[] = []
    const next = new Map<string, Node<TicketNodeData>>()
    for (const id of shape.ids) {
      const ticket = data.byId.get(id)
      const pos = positions.get(id)
      if (!ticket || !pos) continue
      const state = ticketState(ticket, isReady(ticket))
      const critical = onPath.has(id)
      const focused = id === focus
      const old = cache.get(id)
      const node =
        old &&
        old.data.ticket === ticket &&
        old.data.state === state &&
        old.data.critical === critical &&
        old.data.focused === focused &&
        old.data.direction === direction &&
        old.position.x === pos.x &&
        old.position.y === pos.y
          ? old
          : {
              id,
              type: 'ticket',
              position: pos,
              data: { ticket, state, critical, focused, statusName: columnName(board, ticket.status), direction },
              width: NODE_WIDTH,
              height: NODE_HEIGHT,
              draggable: false,
              connectable: false,
            }
      next.set(id, node)
      out.push(node)
    }
    nodeCache.current = next
    return out
  }, [shape.ids, positions, data.byId, isReady, onPath, focus, direction, board])

  const big = shape.ids.length > 250
  const edges: Edge[] = useMemo(
    () =>
      shape.edges.map((e) => {
        const critical = pathEdges.has(edgeKey(e.from, e.to))
        const route = placement.routes.get(edgeKey(e.from, e.to))
        return {
          id: edgeKey(e.from, e.to),
          source: e.from,
          target: e.to,
          type: route ? 'routed' : big ? 'straight' : 'smoothstep',
          data: route ? { bends: route.slice(1, -1) } : undefined,
          className: critical ? 'gedge-critical' : 'gedge',
          style: critical ? { stroke: CRITICAL, strokeWidth: 3.5, strokeDasharray: '10 5' } : { stroke: EDGE, strokeWidth: 1.25 },
          markerEnd: { type: MarkerType.ArrowClosed, color: critical ? '#7c3aed' : '#94a3b8', width: 16, height: 16 },
          zIndex: critical ? 1 : 0,
        }
      }),
    [shape.edges, pathEdges, big, placement.routes],
  )

  const counts = useMemo(() => {
    const c: Record<TicketState, number> = { resolved: 0, blocked: 0, ready: 0, in_progress: 0 }
    for (const n of nodes) c[n.data.state]++
    return c
  }, [nodes])
  const hiddenResolved = showResolved ? 0 : data.tickets.filter((t) => t.is_resolved).length

  const fitKey = `${focus ?? 'all'}-${depth}-${showResolved}-${direction}`
  const narrow = typeof window !== 'undefined' && window.innerWidth < 760

  return (
    <div className="graph-page">
      <div className="graph-toolbar">
        <form
          className="focus-form"
          onSubmit={(e) => {
            e.preventDefault()
            update({ focus: focusInput.trim() || null })
          }}
        >
          <input
            list="graph-tickets"
            value={focusInput}
            onChange={(e) => setFocusInput(e.target.value)}
            placeholder="Focus on a ticket (id)…"
            aria-label="Focus on a ticket"
          />
          <datalist id="graph-tickets">
            {data.tickets.slice(0, 2000).map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </datalist>
          <button type="submit">Focus</button>
          {focus && (
            <>
              <label className="inline depth">
                Hops{' '}
                <input
                  type="number"
                  min={1}
                  max={MAX_DEPTH}
                  value={depth}
                  onChange={(e) => update({ depth: e.target.value === '2' ? null : e.target.value })}
                  aria-label="Hops up and down"
                  data-testid="focus-depth"
                />
              </label>
              <button type="button" className="link-button" onClick={() => update({ focus: null, depth: null })}>
                Whole workflow
              </button>
            </>
          )}
        </form>
        <label className="check">
          <input
            type="checkbox"
            checked={showResolved}
            onChange={(e) => update({ resolved: e.target.checked ? '1' : '0' })}
            data-testid="show-resolved"
          />
          Show resolved
        </label>
        <label className="check">
          <input type="checkbox" checked={direction === 'LR'} onChange={(e) => update({ dir: e.target.checked ? 'LR' : null })} />
          Left to right
        </label>
        <div className="spacer" />
        <div className="legend" aria-label="Legend">
          {(Object.keys(STATE_COLOUR) as TicketState[]).map((s) => (
            <span key={s} className="legend-item">
              <span className={`legend-swatch gnode-${s}`} /> {STATE_LABEL[s]} {counts[s]}
            </span>
          ))}
          <span className="legend-item">
            <span className="legend-line" /> Critical path
          </span>
        </div>
      </div>
      {hiddenResolved > 0 && (
        <p className="graph-note muted small" data-testid="hidden-resolved">
          {hiddenResolved} resolved ticket{hiddenResolved === 1 ? '' : 's'} hidden.{' '}
          <button className="link-button" onClick={() => update({ resolved: '1' })}>
            Show them
          </button>
        </p>
      )}
      {criticalPath.length > 0 && (
        <div className="critical-path" data-testid="critical-path">
          <strong>Critical path ({criticalPath.length}):</strong>
          {criticalPath.map((id, i) => (
            <span key={id} className="path-step">
              {i > 0 && <span className="arrow"> → </span>}
              <button className="link-button" onClick={() => openTicket(id)} title={id}>
                {data.byId.get(id)?.title ?? shortId(id)}
              </button>
            </span>
          ))}
        </div>
      )}
      {focusMissing && <p className="error-box">No ticket {focus} in this workflow.</p>}
      {!data.loading && shape.ids.length === 0 ? (
        <Empty title="No tickets to draw">
          <p>{total === 0 ? 'This workflow has no tickets yet.' : 'Every ticket is resolved.'}</p>
        </Empty>
      ) : (
        <div className="graph-canvas" data-testid="graph">
          {!data.loading && (
            <ReactFlow
              key={fitKey}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              onNodeClick={(_, node) => openTicket(node.id)}
              fitView
              // On a phone, fit no smaller than legible: pan for the rest.
              fitViewOptions={{ padding: 0.15, maxZoom: 1.2, minZoom: narrow ? 0.45 : undefined }}
              minZoom={0.03}
              maxZoom={2}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              onlyRenderVisibleElements={big}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={24} color="var(--grid)" />
              <Controls showInteractive={false} />
              {!big && (
                <MiniMap pannable zoomable nodeColor={(n) => STATE_COLOUR[(n.data as TicketNodeData).state]} maskColor="var(--minimap-mask)" />
              )}
            </ReactFlow>
          )}
        </div>
      )}
    </div>
  )
}

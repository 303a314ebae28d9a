// The dependency graph: dagre top-down layout drawn with @xyflow/react,
// nodes coloured by state, the critical path highlighted, resolved tickets
// toggled, focus on one ticket's upstream and downstream.

import {
  Background,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react'

import { api, ApiError, enc, query } from '../api/client'
import type { GraphNode, TicketGraph, Workflow } from '../api/types'
import { Empty } from '../components/ui'
import { useLiveEvents } from '../hooks/useLive'
import type { TicketsState } from '../hooks/useTickets'
import { columnName, STATE_LABEL, type TicketState } from '../lib/board'
import { shortId } from '../lib/format'
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, withoutResolved } from '../lib/graph'

interface TicketNodeData extends Record<string, unknown> {
  node: GraphNode
  state: TicketState
  critical: boolean
  focused: boolean
  statusName: string
  direction: 'TB' | 'LR'
}

const TicketNode = memo(function TicketNode({ data }: NodeProps<Node<TicketNodeData>>) {
  const { node, state, critical, focused, statusName, direction } = data
  return (
    <div
      className={`gnode gnode-${state} ${critical ? 'gnode-critical' : ''} ${focused ? 'gnode-focused' : ''}`}
      data-testid="graph-node"
      data-ticket-id={node.id}
      data-state={state}
      data-critical={critical ? 'true' : 'false'}
      title={`${node.id}: ${node.title}\n${STATE_LABEL[state]} · ${statusName}${node.assigned_agent_id ? ` · ${node.assigned_agent_id}` : ''}`}
    >
      <Handle type="target" position={direction === 'TB' ? Position.Top : Position.Left} isConnectable={false} />
      <div className="gnode-top">
        <code>{shortId(node.id)}</code>
        <span className="gnode-status">{statusName}</span>
      </div>
      <div className="gnode-title">{node.title}</div>
      <Handle type="source" position={direction === 'TB' ? Position.Bottom : Position.Right} isConnectable={false} />
    </div>
  )
})

const nodeTypes = { ticket: TicketNode }

const STATE_COLOUR: Record<TicketState, string> = {
  resolved: '#16a34a',
  blocked: '#dc2626',
  ready: '#2563eb',
  in_progress: '#d97706',
}

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
  const showResolved = params.get('resolved') !== '0'
  const focus = params.get('focus')
  const direction: 'TB' | 'LR' = params.get('dir') === 'LR' ? 'LR' : 'TB'
  const [graph, setGraph] = useState<TicketGraph | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
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

  const load = useCallback(() => {
    const url = focus
      ? `/api/tickets/${enc(focus)}/graph`
      : `/api/workflows/${enc(workflow.id)}/graph${query({ include_resolved: true })}`
    api
      .get<TicketGraph>(url)
      .then((g) => {
        setGraph(g)
        setError(null)
      })
      .catch((err: ApiError) => setError(err))
  }, [focus, workflow.id])
  useEffect(load, [load])
  useEffect(() => setFocusInput(focus ?? ''), [focus])

  // Live: re-read the graph shortly after changes (bursts coalesce).
  useLiveEvents(() => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = setTimeout(load, 300)
  })
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])

  const shown = useMemo(() => (graph ? (showResolved ? graph : withoutResolved(graph)) : null), [graph, showResolved])
  const laidOut = useMemo(() => (shown ? layoutGraph(shown, board, direction) : null), [shown, board, direction])
  const big = (shown?.nodes.length ?? 0) > 250

  const nodes: Node<TicketNodeData>[] = useMemo(() => {
    if (!shown || !laidOut) return []
    const byId = new Map(shown.nodes.map((n) => [n.id, n]))
    return laidOut.nodes.map((p) => {
      const node = byId.get(p.id) as GraphNode
      return {
        id: p.id,
        type: 'ticket',
        position: { x: p.x, y: p.y },
        data: {
          node,
          state: p.state,
          critical: p.critical,
          focused: p.id === focus,
          statusName: columnName(board, node.status),
          direction,
        },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        draggable: false,
        connectable: false,
      }
    })
  }, [shown, laidOut, board, focus, direction])

  const edges: Edge[] = useMemo(() => {
    if (!laidOut) return []
    return laidOut.edges.map((e) => ({
      id: e.id,
      source: e.from,
      target: e.to,
      type: big ? 'straight' : 'smoothstep',
      className: e.critical ? 'gedge-critical' : 'gedge',
      style: e.critical ? { stroke: '#ea580c', strokeWidth: 3 } : { stroke: '#94a3b8', strokeWidth: 1.25 },
      markerEnd: { type: MarkerType.ArrowClosed, color: e.critical ? '#ea580c' : '#94a3b8', width: 16, height: 16 },
      zIndex: e.critical ? 1 : 0,
    }))
  }, [laidOut, big])

  const counts = useMemo(() => {
    const c: Record<TicketState, number> = { resolved: 0, blocked: 0, ready: 0, in_progress: 0 }
    for (const n of laidOut?.nodes ?? []) c[n.state]++
    return c
  }, [laidOut])

  const path = shown?.critical_path ?? []

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
            <button type="button" className="link-button" onClick={() => update({ focus: null })}>
              Whole workflow
            </button>
          )}
        </form>
        <label className="check">
          <input
            type="checkbox"
            checked={showResolved}
            onChange={(e) => update({ resolved: e.target.checked ? null : '0' })}
          />
          Show resolved
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={direction === 'LR'}
            onChange={(e) => update({ dir: e.target.checked ? 'LR' : null })}
          />
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
      {path.length > 0 && (
        <div className="critical-path" data-testid="critical-path">
          <strong>Critical path ({path.length}):</strong>
          {path.map((id, i) => (
            <span key={id}>
              {i > 0 && <span className="arrow"> → </span>}
              <button className="link-button" onClick={() => openTicket(id)}>
                {shortId(id)}
              </button>
            </span>
          ))}
        </div>
      )}
      {error && <p className="error-box">{error.message}</p>}
      {shown && shown.nodes.length === 0 ? (
        <Empty title="No tickets to draw">
          <p>{showResolved ? 'This workflow has no tickets yet.' : 'Every ticket is resolved.'}</p>
        </Empty>
      ) : (
        <div className="graph-canvas" data-testid="graph">
          {laidOut && (
            <ReactFlow
              key={`${focus ?? 'all'}-${showResolved}-${direction}`}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodeClick={(_, node) => openTicket(node.id)}
              fitView
              fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
              minZoom={0.03}
              maxZoom={2}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              onlyRenderVisibleElements={big}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={24} color="#e2e8f0" />
              <Controls showInteractive={false} />
              {!big && (
                <MiniMap
                  pannable
                  zoomable
                  nodeColor={(n) => STATE_COLOUR[(n.data as TicketNodeData).state]}
                  maskColor="rgba(241,245,249,0.7)"
                />
              )}
            </ReactFlow>
          )}
        </div>
      )}
    </div>
  )
}

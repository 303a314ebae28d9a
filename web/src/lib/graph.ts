// Dependency graph view logic: dagre layout (top-down), node states, the
// critical path's nodes and edges.

import { Graph, layout } from '@dagrejs/dagre'

import type { BoardConfig, TicketGraph } from '../api/types'
import { ticketState, type TicketState } from './board'

export const NODE_WIDTH = 220
export const NODE_HEIGHT = 64

export interface PlacedNode {
  id: string
  x: number
  y: number
  state: TicketState
  critical: boolean
}

export interface GraphLayout {
  nodes: PlacedNode[]
  /** Edges as `blocker -> blocked`, with whether they lie on the critical path. */
  edges: { id: string; from: string; to: string; critical: boolean }[]
  width: number
  height: number
}

export function edgeKey(from: string, to: string): string {
  return `${from}->${to}`
}

/** The edges between consecutive tickets of the critical path. */
export function criticalEdges(path: string[]): Set<string> {
  const edges = new Set<string>()
  for (let i = 1; i < path.length; i++) edges.add(edgeKey(path[i - 1], path[i]))
  return edges
}

/**
 * Lays the graph out top-down with dagre. Positions are the nodes' top-left
 * corners (what @xyflow/react expects).
 */
export function layoutGraph(graph: TicketGraph, board: BoardConfig, direction: 'TB' | 'LR' = 'TB'): GraphLayout {
  const g = new Graph({ multigraph: false })
  const big = graph.nodes.length > 300
  g.setGraph({ rankdir: direction, nodesep: big ? 18 : 30, ranksep: big ? 50 : 70, marginx: 20, marginy: 20 })
  g.setDefaultEdgeLabel(() => ({}))
  const present = new Set(graph.nodes.map((n) => n.id))
  for (const node of graph.nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT })
  const edges = graph.edges.filter((e) => present.has(e.from) && present.has(e.to))
  for (const edge of edges) g.setEdge(edge.from, edge.to)
  layout(g)
  const onPath = new Set(graph.critical_path)
  const pathEdges = criticalEdges(graph.critical_path)
  const nodes = graph.nodes.map((node) => {
    const placed = g.node(node.id) as { x: number; y: number }
    return {
      id: node.id,
      x: placed.x - NODE_WIDTH / 2,
      y: placed.y - NODE_HEIGHT / 2,
      state: ticketState(board, node),
      critical: onPath.has(node.id),
    }
  })
  const size = g.graph() as { width?: number; height?: number }
  return {
    nodes,
    edges: edges.map((e) => ({
      id: edgeKey(e.from, e.to),
      from: e.from,
      to: e.to,
      critical: pathEdges.has(edgeKey(e.from, e.to)),
    })),
    width: size.width ?? 0,
    height: size.height ?? 0,
  }
}

/** Removes resolved tickets (and their edges) from a graph, keeping the path's unresolved part. */
export function withoutResolved(graph: TicketGraph): TicketGraph {
  const keep = new Set(graph.nodes.filter((n) => !n.is_resolved).map((n) => n.id))
  return {
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
    critical_path: graph.critical_path.filter((id) => keep.has(id)),
  }
}

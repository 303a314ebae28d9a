// Dependency graph view logic: dagre layout (top-down), node states, the
// critical path's nodes and edges.

import { Graph, layout } from '@dagrejs/dagre'

import type { GraphEdge } from '../api/types'
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

/** Above this many tickets the layered layout replaces dagre (dagre takes ~0.35 s at 250 nodes, a long task). */
export const DAGRE_MAX_NODES = 80

type Point = { x: number; y: number }
type Positions = {
  centres: Map<string, Point>
  width: number
  height: number
  /** dagre's bend points per edge (`edgeKey`), routed around the nodes. */
  routes?: Map<string, Point[]>
}

/** dagre, top-down (or left-right): the nicest result for small graphs. */
function dagreLayout(ids: string[], edges: GraphEdge[], direction: 'TB' | 'LR'): Positions {
  const g = new Graph({ multigraph: false })
  g.setGraph({ rankdir: direction, nodesep: 30, ranksep: 70, marginx: 20, marginy: 20 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const id of ids) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT })
  for (const edge of edges) g.setEdge(edge.from, edge.to)
  layout(g)
  const centres = new Map(ids.map((id) => [id, g.node(id) as { x: number; y: number }]))
  const routes = new Map<string, Point[]>()
  for (const edge of edges) {
    const points = (g.edge(edge.from, edge.to) as { points?: Point[] } | undefined)?.points
    if (points && points.length > 2) routes.set(edgeKey(edge.from, edge.to), points.map((p) => ({ x: p.x, y: p.y })))
  }
  const size = g.graph() as { width?: number; height?: number }
  return { centres, width: size.width ?? 0, height: size.height ?? 0, routes }
}

/**
 * A fast layered layout for large graphs (the same idea as dagre without its
 * costly crossing minimisation over dummy nodes): rank = longest chain of
 * blockers above a ticket, order within a rank by two barycentre sweeps, and
 * ranks wider than `maxPerRow` wrap onto extra rows so the drawing stays
 * readable when zoomed.
 */
export function layeredLayout(ids: string[], edges: GraphEdge[], direction: 'TB' | 'LR' = 'TB'): Positions {
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]))
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]))
  for (const e of edges) {
    preds.get(e.to)?.push(e.from)
    succs.get(e.from)?.push(e.to)
  }
  // Longest-path ranks in topological order (Kahn); a cycle cannot happen
  // (the server refuses them), but leftovers would go to rank 0.
  const rank = new Map<string, number>(ids.map((id) => [id, 0]))
  const indegree = new Map(ids.map((id) => [id, preds.get(id)?.length ?? 0]))
  const queue = ids.filter((id) => indegree.get(id) === 0)
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]
    for (const next of succs.get(id) ?? []) {
      rank.set(next, Math.max(rank.get(next) ?? 0, (rank.get(id) ?? 0) + 1))
      const left = (indegree.get(next) ?? 0) - 1
      indegree.set(next, left)
      if (left === 0) queue.push(next)
    }
  }
  const ranks: string[][] = []
  for (const id of ids) {
    const r = rank.get(id) ?? 0
    ;(ranks[r] ??= []).push(id)
  }
  const position = new Map<string, number>()
  const place = (row: string[]) => row.forEach((id, i) => position.set(id, i / Math.max(1, row.length - 1)))
  ranks.forEach(place)
  const barycentre = (id: string, neighbours: Map<string, string[]>) => {
    const list = neighbours.get(id) ?? []
    if (list.length === 0) return position.get(id) ?? 0
    return list.reduce((sum, n) => sum + (position.get(n) ?? 0), 0) / list.length
  }
  for (let sweep = 0; sweep < 2; sweep++) {
    for (let r = 1; r < ranks.length; r++) {
      const keyed = ranks[r].map((id) => [barycentre(id, preds), id] as const)
      keyed.sort((a, b) => a[0] - b[0])
      ranks[r] = keyed.map(([, id]) => id)
      place(ranks[r])
    }
    for (let r = ranks.length - 2; r >= 0; r--) {
      const keyed = ranks[r].map((id) => [barycentre(id, succs), id] as const)
      keyed.sort((a, b) => a[0] - b[0])
      ranks[r] = keyed.map(([, id]) => id)
      place(ranks[r])
    }
  }
  const maxPerRow = Math.max(8, Math.ceil(Math.sqrt(ids.length) * 1.5))
  const across = direction === 'TB' ? NODE_WIDTH + 24 : NODE_HEIGHT + 24
  const along = direction === 'TB' ? NODE_HEIGHT + 26 : NODE_WIDTH + 60
  const rankGap = direction === 'TB' ? 70 : 110
  const widest = Math.min(maxPerRow, Math.max(1, ...ranks.map((r) => r?.length ?? 0)))
  const centres = new Map<string, { x: number; y: number }>()
  let offset = 20
  for (const row of ranks) {
    if (!row) continue
    const lines = Math.ceil(row.length / maxPerRow)
    for (let line = 0; line < lines; line++) {
      const part = row.slice(line * maxPerRow, (line + 1) * maxPerRow)
      const start = 20 + ((widest - part.length) * across) / 2
      part.forEach((id, i) => {
        const a = start + i * across + across / 2
        const b = offset + along / 2
        centres.set(id, direction === 'TB' ? { x: a, y: b } : { x: b, y: a })
      })
      offset += along
    }
    offset += rankGap
  }
  const acrossSize = widest * across + 40
  return direction === 'TB'
    ? { centres, width: acrossSize, height: offset }
    : { centres, width: offset, height: acrossSize }
}

export interface GraphInput {
  nodes: { id: string; is_resolved: boolean; is_blocked: boolean }[]
  edges: Pick<GraphEdge, 'from' | 'to'>[]
  critical_path: string[]
}

export interface Placement {
  /** Top-left corners (what @xyflow/react expects). */
  positions: Map<string, Point>
  /** Bend points of edges routed around nodes (small graphs), by `edgeKey`. */
  routes: Map<string, Point[]>
}

/** dagre up to DAGRE_MAX_NODES tickets (edges routed around nodes), the layered layout above. */
export function placeGraph(ids: string[], edges: Pick<GraphEdge, 'from' | 'to'>[], direction: 'TB' | 'LR' = 'TB'): Placement {
  const present = new Set(ids)
  const inside = edges.filter((e) => present.has(e.from) && present.has(e.to)) as GraphEdge[]
  const placed = ids.length > DAGRE_MAX_NODES ? layeredLayout(ids, inside, direction) : dagreLayout(ids, inside, direction)
  const positions = new Map<string, Point>()
  for (const id of ids) {
    const c = placed.centres.get(id) ?? { x: 0, y: 0 }
    positions.set(id, { x: c.x - NODE_WIDTH / 2, y: c.y - NODE_HEIGHT / 2 })
  }
  return { positions, routes: placed.routes ?? new Map() }
}

export function placeNodes(ids: string[], edges: Pick<GraphEdge, 'from' | 'to'>[], direction: 'TB' | 'LR' = 'TB'): Map<string, Point> {
  return placeGraph(ids, edges, direction).positions
}

/**
 * An SVG path from `source` to `target` through `bends` (dagre's inner
 * points), smoothed with quadratic curves through the midpoints.
 */
export function routedPath(source: Point, bends: Point[], target: Point): string {
  const points = [source, ...bends, target]
  let d = `M ${source.x},${source.y}`
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]
    const next = points[i + 1]
    const mid = i === points.length - 2 ? next : { x: (p.x + next.x) / 2, y: (p.y + next.y) / 2 }
    d += ` Q ${p.x},${p.y} ${mid.x},${mid.y}`
  }
  if (points.length === 2) d += ` L ${target.x},${target.y}`
  return d
}

/**
 * Lays a graph out and marks states and the critical path. `isReady` comes
 * from the server's ready list.
 */
export function layoutGraph(graph: GraphInput, isReady: (id: string) => boolean, direction: 'TB' | 'LR' = 'TB'): GraphLayout {
  const present = new Set(graph.nodes.map((n) => n.id))
  const edges = graph.edges.filter((e) => present.has(e.from) && present.has(e.to))
  const placed = placeNodes(
    graph.nodes.map((n) => n.id),
    edges,
    direction,
  )
  const onPath = new Set(graph.critical_path)
  const pathEdges = criticalEdges(graph.critical_path)
  return {
    nodes: graph.nodes.map((node) => {
      const p = placed.get(node.id) ?? { x: 0, y: 0 }
      return { id: node.id, x: p.x, y: p.y, state: ticketState(node, isReady(node.id)), critical: onPath.has(node.id) }
    }),
    edges: edges.map((e) => ({ id: edgeKey(e.from, e.to), from: e.from, to: e.to, critical: pathEdges.has(edgeKey(e.from, e.to)) })),
    width: 0,
    height: 0,
  }
}

/** The edges `blocker -> blocked` among `tickets`, from their `blocked_by_ticket_ids`. */
export function ticketEdges(tickets: { id: string; blocked_by_ticket_ids: string[] }[]): { from: string; to: string }[] {
  const present = new Set(tickets.map((t) => t.id))
  const out: { from: string; to: string }[] = []
  for (const t of tickets) for (const from of t.blocked_by_ticket_ids) if (present.has(from)) out.push({ from, to: t.id })
  return out
}

/** `focus` and what lies up to `depth` hops above it (its blockers) and below it (what it blocks). */
export function neighbourhood(focus: string, edges: { from: string; to: string }[], depth: number): Set<string> {
  const up = new Map<string, string[]>()
  const down = new Map<string, string[]>()
  for (const e of edges) {
    ;(up.get(e.to) ?? up.set(e.to, []).get(e.to)!).push(e.from)
    ;(down.get(e.from) ?? down.set(e.from, []).get(e.from)!).push(e.to)
  }
  const seen = new Set([focus])
  for (const links of [up, down]) {
    let frontier = [focus]
    for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
      const next: string[] = []
      for (const id of frontier) {
        for (const n of links.get(id) ?? []) {
          if (!seen.has(n)) {
            seen.add(n)
            next.push(n)
          }
        }
      }
      frontier = next
    }
  }
  return seen
}

/** A key that changes exactly when the drawing's shape (nodes or edges) changes. */
export function shapeKey(ids: string[], edges: { from: string; to: string }[], direction: string): string {
  return `${direction}|${[...ids].sort().join(',')}|${edges
    .map((e) => edgeKey(e.from, e.to))
    .sort()
    .join(',')}`
}

/** Hide resolved tickets by default above this many tickets. */
export const HIDE_RESOLVED_ABOVE = 200

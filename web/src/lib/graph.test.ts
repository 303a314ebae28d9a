import { describe, expect, it } from 'vitest'

import type { GraphNode, TicketGraph } from '../api/types'
import { board } from '../test/fixtures'
import { criticalEdges, layeredLayout, layoutGraph, NODE_HEIGHT, NODE_WIDTH, withoutResolved } from './graph'

function node(id: string, extra: Partial<GraphNode> = {}): GraphNode {
  return {
    id,
    title: id,
    status: 'backlog',
    ticket_type: 'feature',
    priority: 'medium',
    assigned_agent_id: null,
    is_resolved: false,
    is_blocked: false,
    ...extra,
  }
}

const graph: TicketGraph = {
  nodes: [node('a', { is_resolved: true, status: 'done' }), node('b'), node('c', { is_blocked: true }), node('d', { is_blocked: true })],
  edges: [
    { from: 'a', to: 'b', type: 'blocks' },
    { from: 'b', to: 'c', type: 'blocks' },
    { from: 'c', to: 'd', type: 'blocks' },
    { from: 'a', to: 'd', type: 'blocks' },
  ],
  critical_path: ['b', 'c', 'd'],
}

describe('layoutGraph', () => {
  it('lays blockers above the tickets they block', () => {
    const layout = layoutGraph(graph, board)
    const y = Object.fromEntries(layout.nodes.map((n) => [n.id, n.y]))
    expect(y.a).toBeLessThan(y.b)
    expect(y.b).toBeLessThan(y.c)
    expect(y.c).toBeLessThan(y.d)
    expect(y.b - y.a).toBeGreaterThanOrEqual(NODE_HEIGHT)
  })

  it('marks states and the critical path', () => {
    const layout = layoutGraph(graph, board)
    const byId = Object.fromEntries(layout.nodes.map((n) => [n.id, n]))
    expect(byId.a).toMatchObject({ state: 'resolved', critical: false })
    expect(byId.b).toMatchObject({ state: 'ready', critical: true })
    expect(byId.c).toMatchObject({ state: 'blocked', critical: true })
    expect(layout.edges.filter((e) => e.critical).map((e) => e.id)).toEqual(['b->c', 'c->d'])
  })

  it('ignores edges to tickets not in the graph', () => {
    const layout = layoutGraph({ ...graph, edges: [...graph.edges, { from: 'x', to: 'b', type: 'blocks' }] }, board)
    expect(layout.edges).toHaveLength(4)
  })

  it('lays out 1,000 tickets with long edges in well under a second', () => {
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const nodes = Array.from({ length: 1000 }, (_, i) => node(`t${i}`))
    const edges = nodes.slice(1).flatMap((n, i) =>
      [0, 1].map(() => ({ from: `t${Math.floor(random() * (i + 1))}`, to: n.id, type: 'blocks' })),
    )
    const started = performance.now()
    const layout = layoutGraph({ nodes, edges, critical_path: [] }, board)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(layout.nodes).toHaveLength(1000)
    const y = new Map(layout.nodes.map((n) => [n.id, n.y]))
    for (const e of edges) expect(y.get(e.from)!).toBeLessThan(y.get(e.to)!)
    // Wide ranks wrap: the drawing is not a 1,000-node-wide strip.
    expect(layout.width).toBeLessThan(80 * (NODE_WIDTH + 24))
  })
})

describe('layeredLayout', () => {
  it('ranks by the longest chain of blockers and orders by barycentre', () => {
    const edges = [
      { from: 'a', to: 'c', type: 'blocks' },
      { from: 'b', to: 'd', type: 'blocks' },
      { from: 'c', to: 'e', type: 'blocks' },
      { from: 'a', to: 'e', type: 'blocks' },
    ]
    const { centres } = layeredLayout(['a', 'b', 'c', 'd', 'e'], edges)
    const at = (id: string) => centres.get(id)!
    expect(at('a').y).toBe(at('b').y)
    expect(at('c').y).toBe(at('d').y)
    expect(at('e').y).toBeGreaterThan(at('c').y)
    // c sits under a, d under b.
    expect(at('c').x < at('d').x).toBe(at('a').x < at('b').x)
    const lr = layeredLayout(['a', 'b', 'c', 'd', 'e'], edges, 'LR').centres
    expect(lr.get('e')!.x).toBeGreaterThan(lr.get('c')!.x)
  })
})

describe('helpers', () => {
  it('lists the critical path edges', () => {
    expect([...criticalEdges(['a', 'b', 'c'])]).toEqual(['a->b', 'b->c'])
    expect(criticalEdges(['a']).size).toBe(0)
  })

  it('drops resolved tickets', () => {
    const g = withoutResolved(graph)
    expect(g.nodes.map((n) => n.id)).toEqual(['b', 'c', 'd'])
    expect(g.edges).toHaveLength(2)
  })
})

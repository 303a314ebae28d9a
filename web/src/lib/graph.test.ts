import { describe, expect, it } from 'vitest'

import type { GraphNode, TicketGraph } from '../api/types'
import { board } from '../test/fixtures'
import { criticalEdges, layoutGraph, NODE_HEIGHT, withoutResolved } from './graph'

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

  it('handles 1,000 tickets', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => node(`t${i}`))
    const edges = nodes.slice(1).map((n, i) => ({ from: `t${Math.floor(i / 3)}`, to: n.id, type: 'blocks' }))
    const started = performance.now()
    const layout = layoutGraph({ nodes, edges, critical_path: [] }, board)
    expect(layout.nodes).toHaveLength(1000)
    expect(performance.now() - started).toBeLessThan(15_000)
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

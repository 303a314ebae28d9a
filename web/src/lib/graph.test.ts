import { describe, expect, it } from 'vitest'

import { criticalEdges, layeredLayout, layoutGraph, neighbourhood, NODE_HEIGHT, NODE_WIDTH, shapeKey, ticketEdges, type GraphInput } from './graph'

const node = (id: string, extra: Partial<GraphInput['nodes'][number]> = {}) => ({ id, is_resolved: false, is_blocked: false, ...extra })

const graph: GraphInput = {
  nodes: [node('a', { is_resolved: true }), node('b'), node('c', { is_blocked: true }), node('d', { is_blocked: true })],
  edges: [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'c', to: 'd' },
    { from: 'a', to: 'd' },
  ],
  critical_path: ['b', 'c', 'd'],
}
const ready = (id: string) => id === 'b'

describe('layoutGraph', () => {
  it('lays blockers above the tickets they block', () => {
    const layout = layoutGraph(graph, ready)
    const y = Object.fromEntries(layout.nodes.map((n) => [n.id, n.y]))
    expect(y.a).toBeLessThan(y.b)
    expect(y.b).toBeLessThan(y.c)
    expect(y.c).toBeLessThan(y.d)
    expect(y.b - y.a).toBeGreaterThanOrEqual(NODE_HEIGHT)
  })

  it('marks states (ready from the server) and the critical path', () => {
    const layout = layoutGraph(graph, ready)
    const byId = Object.fromEntries(layout.nodes.map((n) => [n.id, n]))
    expect(byId.a).toMatchObject({ state: 'resolved', critical: false })
    expect(byId.b).toMatchObject({ state: 'ready', critical: true })
    expect(byId.c).toMatchObject({ state: 'blocked', critical: true })
    expect(layout.edges.filter((e) => e.critical).map((e) => e.id)).toEqual(['b->c', 'c->d'])
    expect([...criticalEdges(['x', 'y', 'z'])]).toEqual(['x->y', 'y->z'])
  })
})

describe('layeredLayout', () => {
  it('ranks a large graph without overlaps', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `t${i}`)
    const edges = ids.slice(1).map((id, i) => ({ from: `t${Math.floor(i / 3)}`, to: id, type: 'blocks' }))
    const { centres } = layeredLayout(ids, edges)
    for (const e of edges) expect(centres.get(e.from)!.y).toBeLessThan(centres.get(e.to)!.y)
    const spots = new Set(ids.map((id) => `${Math.round(centres.get(id)!.x / NODE_WIDTH)},${Math.round(centres.get(id)!.y)}`))
    expect(spots.size).toBe(ids.length)
  })
})

describe('focus and shape', () => {
  const edges = [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'c', to: 'd' },
    { from: 'd', to: 'e' },
    { from: 'x', to: 'y' },
  ]
  it('keeps N hops up and down around the focus', () => {
    expect([...neighbourhood('c', edges, 1)].sort()).toEqual(['b', 'c', 'd'])
    expect([...neighbourhood('c', edges, 2)].sort()).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect([...neighbourhood('a', edges, 2)].sort()).toEqual(['a', 'b', 'c'])
  })
  it('builds edges from blocked_by ids and keys the drawing by its shape only', () => {
    const tickets = [
      { id: 'a', blocked_by_ticket_ids: [] },
      { id: 'b', blocked_by_ticket_ids: ['a', 'gone'] },
    ]
    expect(ticketEdges(tickets)).toEqual([{ from: 'a', to: 'b' }])
    expect(shapeKey(['b', 'a'], [{ from: 'a', to: 'b' }], 'TB')).toBe(shapeKey(['a', 'b'], [{ from: 'a', to: 'b' }], 'TB'))
    expect(shapeKey(['a', 'b'], [], 'TB')).not.toBe(shapeKey(['a', 'b'], [{ from: 'a', to: 'b' }], 'TB'))
  })
})

describe('edge routes', () => {
  it('routes small graphs’ long edges around the nodes in between', async () => {
    const { placeGraph, routedPath } = await import('./graph')
    const ids = ['a', 'b', 'c']
    const { routes, positions } = placeGraph(ids, [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'a', to: 'c' },
    ])
    expect(positions.size).toBe(3)
    // a -> c spans two ranks: dagre bends it past b.
    expect(routes.get('a->c')?.length).toBeGreaterThan(2)
    expect(routedPath({ x: 0, y: 0 }, [], { x: 0, y: 10 })).toBe('M 0,0 L 0,10')
    expect(routedPath({ x: 0, y: 0 }, [{ x: 5, y: 5 }], { x: 0, y: 10 })).toBe('M 0,0 Q 5,5 0,10')
  })
})

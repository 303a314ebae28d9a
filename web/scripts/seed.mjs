// Seeds a large workflow over the HTTP API, as agents would: a board with
// phases, `count` tickets in layers (each blocked by one or two tickets of
// earlier layers), the first ~30 % resolved in order, and a few tickets
// claimed by eight agents. Used by the e2e suite and scripts/bench-ui.mjs.

export const AGENTS = ['agent-phase1', 'agent-phase2-a', 'agent-phase2-b', 'agent-phase2-c', 'agent-phase3-a', 'agent-phase3-b', 'agent-phase3-c', 'agent-ops']

const BOARD = {
  columns: [
    { id: 'backlog', name: 'Backlog' },
    { id: 'building', name: 'Building' },
    { id: 'built', name: 'Built' },
    { id: 'testing', name: 'Testing' },
    { id: 'done', name: 'Done' },
  ],
  ticket_types: ['component', 'bug', 'feature'],
  initial_status: 'backlog',
}
const PHASES = [
  { id: 1, name: 'Plan', description: 'Create the tickets.', columns: ['backlog'] },
  { id: 2, name: 'Build', description: 'Build one component.', columns: ['backlog', 'building', 'built'] },
  { id: 3, name: 'Test', description: 'Test and resolve.', columns: ['built', 'testing', 'done'] },
]

async function call(base, method, path, body, agent = 'agent-phase1') {
  const response = await fetch(base + path, {
    method,
    headers: { 'X-Agent-ID': agent, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return text ? JSON.parse(text) : undefined
}

/** Returns `{ workflowId, ids, resolved, claimed }`. */
export async function seedBigWorkflow(base, { count = 1000, width = 25, resolvedShare = 0.3, claims = 40 } = {}) {
  const workflow = await call(base, 'POST', '/api/workflows', { name: `Scale (${count} tickets)`, board_config: BOARD, phases: PHASES })
  let seed = 42
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  const run = Date.now().toString(36).slice(-5)
  const ids = Array.from({ length: count }, (_, i) => `ticket-${run}${String(i).padStart(4, '0')}`)
  const words = ['Auth', 'Billing', 'Search', 'Cache', 'Queue', 'Export', 'Import', 'Reports', 'Login', 'Profile', 'Admin', 'Metrics']
  const tickets = ids.map((id, i) => {
    const layer = Math.floor(i / width)
    const blockers = new Set()
    if (layer > 0) {
      const n = 1 + Math.floor(random() * 2)
      for (let k = 0; k < n; k++) {
        const from = Math.max(0, layer - 1 - Math.floor(random() * 3)) * width
        blockers.add(ids[Math.min(i - 1, from + Math.floor(random() * width))])
      }
    }
    return {
      id,
      title: `${words[i % words.length]} part ${i}`,
      ticket_type: BOARD.ticket_types[i % 3],
      priority: ['low', 'medium', 'high', 'critical'][Math.floor(random() * 4)],
      tags: [words[(i * 7) % words.length].toLowerCase()],
      blocked_by_ticket_ids: [...blockers],
    }
  })
  for (let at = 0; at < tickets.length; at += 500) {
    await call(base, 'POST', `/api/workflows/${workflow.id}/tickets/import`, { tickets: tickets.slice(at, at + 500) })
  }
  // Resolve whole layers in order (a blocked ticket cannot be resolved).
  const resolveCount = Math.floor((count * resolvedShare) / width) * width
  const resolved = ids.slice(0, resolveCount)
  // A layer at a time: its blockers are all in earlier layers.
  for (let at = 0; at < resolved.length; at += width) {
    await Promise.all(
      resolved.slice(at, at + width).map((id, k) => call(base, 'POST', `/api/tickets/${id}/resolve`, { resolution_comment: 'Tests pass' }, AGENTS[4 + (k % 3)])),
    )
  }
  const claimed = []
  for (let k = 0; k < claims; k++) {
    const agent = AGENTS[1 + (k % 3)]
    try {
      const t = await call(base, 'POST', `/api/workflows/${workflow.id}/claim`, {}, agent)
      claimed.push(t.id ?? t.ticket?.id)
    } catch {
      break
    }
  }
  return { workflowId: workflow.id, ids, resolved, claimed }
}

// A 1,000-ticket workflow (seeded over the API as agents would): the board
// loads, the graph hides resolved tickets by default, focus shows N hops,
// a live change recolours one node without moving any other, and the
// critical path banner shows titles. Timings are printed, not asserted
// (scripts/bench-ui.mjs measures them properly).

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { seedBigWorkflow } from '../scripts/seed.mjs'
import { apiClient, fillSteadily, launchChromium, startTix, type TixServer } from './harness'

interface Ticket {
  id: string
  title: string
  is_resolved: boolean
  blocked_by_ticket_ids: string[]
}

let server: TixServer
let browser: Browser
let page: Page
let seeded: Awaited<ReturnType<typeof seedBigWorkflow>>
let tickets: Ticket[] = []

const node = (id: string) => page.locator(`[data-testid="graph-node"][data-ticket-id="${id}"]`)

/** Same rule as the UI: the focus and up to `depth` hops of blockers and dependents. */
function around(focus: string, depth: number): Set<string> {
  const up = new Map<string, string[]>()
  const down = new Map<string, string[]>()
  for (const t of tickets)
    for (const b of t.blocked_by_ticket_ids) {
      up.set(t.id, [...(up.get(t.id) ?? []), b])
      down.set(b, [...(down.get(b) ?? []), t.id])
    }
  const seen = new Set([focus])
  for (const links of [up, down]) {
    let frontier = [focus]
    for (let hop = 0; hop < depth; hop++) {
      frontier = frontier.flatMap((id) => links.get(id) ?? []).filter((id) => !seen.has(id) && seen.add(id))
    }
  }
  return seen
}

beforeAll(async () => {
  server = await startTix()
  seeded = await seedBigWorkflow(server.base, { count: 1000 })
  const api = apiClient(server.base)
  let cursor: string | null = null
  do {
    const page: { tickets: Ticket[]; next_cursor: string | null } = await api.get(
      `/api/tickets?workflow_id=${seeded.workflowId}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    )
    tickets.push(...page.tickets)
    cursor = page.next_cursor
  } while (cursor)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.setDefaultTimeout(20_000)
  await page.addInitScript(() => {
    const w = window as unknown as { __longtasks: number[] }
    w.__longtasks = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longtasks.push(e.duration)
    }).observe({ type: 'longtask', buffered: true })
  })
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('1,000 tickets', () => {
  it('shows the board', async () => {
    const started = Date.now()
    await page.goto(`${server.base}/w/${seeded.workflowId}/board`)
    await page.locator('[data-testid="card"]').first().waitFor()
    console.log(`board: first card after ${Date.now() - started} ms (not asserted)`)
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('1000 tickets')
    expect(await page.locator('[data-testid="column-backlog"]').getByRole('button', { name: /^Show \d+ more of \d+$/ }).count()).toBe(1)
  })

  it('hides resolved tickets on the graph by default, and shows them on request', async () => {
    const started = Date.now()
    await page.getByRole('link', { name: 'Graph' }).click()
    await page.locator('[data-testid="graph-node"]').first().waitFor()
    console.log(`graph: first node after ${Date.now() - started} ms (not asserted)`)
    expect(await page.getByTestId('hidden-resolved').textContent()).toContain(`${seeded.resolved.length} resolved tickets hidden.`)
    expect(await page.getByTestId('show-resolved').isChecked()).toBe(false)
    expect(await page.locator('.legend').textContent()).toContain('Resolved 0')
    await page.getByTestId('show-resolved').check()
    await expect.poll(() => page.locator('.legend').textContent()).toContain(`Resolved ${seeded.resolved.length}`)
    await page.getByTestId('show-resolved').uncheck()
    await expect.poll(() => page.locator('.legend').textContent()).toContain('Resolved 0')
  })

  it('names the critical path’s tickets by title', async () => {
    const banner = page.getByTestId('critical-path')
    await banner.waitFor()
    const graph = await apiClient(server.base).get<{ critical_path: string[] }>(`/api/workflows/${seeded.workflowId}/graph`)
    const first = tickets.find((t) => t.id === graph.critical_path[0])!
    expect(await banner.textContent()).toContain(`Critical path (${graph.critical_path.length}):`)
    expect(await banner.textContent()).toContain(first.title)
  })

  it('focuses on a ticket with N hops up and down (default 2)', async () => {
    const focus = seeded.ids[seeded.resolved.length + 60]
    await fillSteadily(page.getByLabel('Focus on a ticket'), focus)
    await page.getByRole('button', { name: 'Focus', exact: true }).click()
    await page.waitForURL(`**focus=${focus}**`)
    const open = (set: Set<string>) => [...set].filter((id) => id === focus || !tickets.find((t) => t.id === id)!.is_resolved)
    const two = open(around(focus, 2))
    await expect.poll(() => page.getByTestId('graph-node').count()).toBe(two.length)
    await fillSteadily(page.getByTestId('focus-depth'), '1')
    const one = open(around(focus, 1))
    await expect.poll(() => page.getByTestId('graph-node').count()).toBe(one.length)
    expect(one.length).toBeLessThan(two.length)
    await fillSteadily(page.getByTestId('focus-depth'), '2')
    await expect.poll(() => page.getByTestId('graph-node').count()).toBe(two.length)
  })

  it('recolours a node on a live change without moving the others', async () => {
    const focus = new URL(page.url()).searchParams.get('focus')!
    await page.waitForTimeout(500)
    const positions = () =>
      page.locator('.react-flow__node').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-id'), (e as HTMLElement).style.transform])))
    const before = await positions()
    const target = node(focus)
    const state = await target.getAttribute('data-state')
    await page.evaluate(() => ((window as unknown as { __longtasks: number[] }).__longtasks = []))
    const api = apiClient(server.base, 'agent-phase2-a')
    await api.patch(`/api/tickets/${focus}`, { assigned_agent_id: 'agent-phase2-a' })
    if (state === 'blocked') {
      // A blocked ticket cannot move forward: comment instead, and see the holder.
      await expect.poll(() => target.textContent()).toContain('P2A')
    } else {
      await api.post(`/api/tickets/${focus}/status`, { new_status: 'building', comment: 'Starting' })
      await expect.poll(() => target.locator('.gnode-status').textContent()).toBe('Building')
      await expect.poll(() => target.getAttribute('data-state')).toBe('in_progress')
    }
    expect(await positions()).toEqual(before)
    const tasks = await page.evaluate(() => (window as unknown as { __longtasks: number[] }).__longtasks)
    console.log(`graph: longest task during the live change ${tasks.length ? Math.round(Math.max(...tasks)) : 0} ms (not asserted)`)
  })
})

// Parents and children as a person sees them: a parent with open children
// is not offered (no Ready badge) though it sits unassigned in Backlog, its
// drawer lists the children with progress, "Show on the board" filters the
// board to the family, and resolving the last child makes the parent Ready
// live. Ready comes from the server's `is_ready`, the done column from the
// workflow's `effective` rules.

import { join } from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { apiClient, launchChromium, OUTPUT, startTix, type TixServer } from './harness'

let server: TixServer
let browser: Browser
let page: Page
let workflowId: string
const ids: Record<string, string> = {}
const api = () => apiClient(server.base, 'agent-planner')

async function create(key: string, title: string, extra: Record<string, unknown> = {}) {
  const created = await api().post<{ ticket_id: string }>('/api/tickets', {
    workflow_id: workflowId,
    title,
    ticket_type: 'feature',
    ...extra,
  })
  ids[key] = created.ticket_id
}

const card = (key: string) => page.locator(`[data-testid="card"][data-ticket-id="${ids[key]}"]`)

beforeAll(async () => {
  server = await startTix()
  workflowId = (
    await api().post<{ id: string }>('/api/workflows', {
      name: 'Checkout (epics)',
      board_config: {
        columns: [
          { id: 'backlog', name: 'Backlog' },
          { id: 'doing', name: 'Doing' },
          { id: 'review', name: 'Review' },
          { id: 'shipped', name: 'Shipped' },
        ],
        ticket_types: ['feature'],
        initial_status: 'backlog',
        // Two done columns: nothing in the UI may assume "the last one".
        done_statuses: ['review', 'shipped'],
      },
    })
  ).id
  await create('epic', 'Checkout epic')
  await create('cart', 'Cart page', { parent_id: ids.epic })
  await create('pay', 'Payment form', { parent_id: ids.epic })
  await create('receipt', 'Receipt email', { parent_id: ids.pay })
  await create('other', 'Unrelated chore')
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.setDefaultTimeout(15_000)
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('parents and children', () => {
  it('does not mark a parent with open children Ready', async () => {
    await page.goto(`${server.base}/w/${workflowId}/board`)
    await card('cart').getByTestId('ready-badge').waitFor()
    expect(await card('epic').getByTestId('ready-badge').count()).toBe(0)
    expect(await card('pay').getByTestId('ready-badge').count()).toBe(0)
    // Both done columns are marked done, from the server's effective rules.
    const columnClass = (id: string) => page.locator(`[data-testid="column-${id}"]`).getAttribute('class')
    expect(await columnClass('review')).toContain('done-column')
    expect(await columnClass('shipped')).toContain('done-column')
    expect(await columnClass('doing')).not.toContain('done-column')
  })

  it("lists the children in the parent's drawer and filters the board to the family", async () => {
    await card('epic').click()
    const drawer = page.getByTestId('ticket-drawer')
    await drawer.getByText('Cart page').waitFor()
    expect(await drawer.getByText('Receipt email').count()).toBe(1)
    await drawer.getByTestId('children-on-board').click()
    await expect.poll(() => new URL(page.url()).searchParams.get('parent')).toBe(ids.epic)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('4 of 5 tickets')
    expect(await card('other').count()).toBe(0)
    expect(await page.getByTestId('parent-filter').inputValue()).toBe(ids.epic)
    await page.getByTestId('parent-filter').selectOption(ids.pay)
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('2 of 5 tickets')
    await page.screenshot({ path: join(OUTPUT, 'board-parent-filter.png') })
    await page.getByRole('button', { name: 'Clear' }).click()
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('5 tickets')
  })

  it('marks the parent Ready, live, when its last child is resolved', async () => {
    for (const key of ['receipt', 'pay', 'cart']) {
      await api().post(`/api/tickets/${ids[key]}/resolve`, { resolution_comment: 'Done' })
    }
    // Resolve puts a ticket in the first done column, Review.
    await page.locator(`[data-testid="column-review"] [data-ticket-id="${ids.cart}"]`).waitFor()
    await card('epic').getByTestId('ready-badge').waitFor()
  })
})

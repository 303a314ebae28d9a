// `tix serve --auth required`: the UI asks for an agent token once, keeps
// it, sends it on API calls and on the event stream, says who you are (an
// admin token's agent too) and signs out. And a server that goes away: the
// stale-data banner while the stream reconnects, then live again from where
// it left off.

import { createServer } from 'node:net'
import { join } from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addAgentToken, apiClient, fillSteadily, launchChromium, OUTPUT, startTix, tempDir, type TixServer } from './harness'

let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer()
    probe.once('error', fail)
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port
      probe.close(() => ok(port))
    })
  })
}

describe('with --auth required', () => {
  let server: TixServer
  let page: Page
  let workflowId: string
  let token: string
  let ticketId: string
  let adminToken: string

  beforeAll(async () => {
    const dir = tempDir()
    // Tokens live in the database: make them before the server opens it.
    const database = `sqlite://${dir}/tix.db`
    token = addAgentToken(database, 'agent-phase2-a')
    const other = addAgentToken(database, 'agent-phase3-b')
    adminToken = addAgentToken(database, 'ops-lead', true)
    server = await startTix({ dir, args: ['--auth', 'required'] })
    const api = apiClient(server.base, '', token)
    workflowId = (
      await api.post<{ id: string }>('/api/workflows', {
        name: 'Locked board',
        board_config: {
          columns: [
            { id: 'todo', name: 'To do' },
            { id: 'doing', name: 'Doing' },
            { id: 'done', name: 'Done' },
          ],
          ticket_types: ['task'],
          initial_status: 'todo',
        },
      })
    ).id
    ticketId = (await api.post<{ ticket_id: string }>('/api/tickets', { workflow_id: workflowId, title: 'Rotate the keys', ticket_type: 'task' })).ticket_id
    ;(globalThis as { otherToken?: string }).otherToken = other
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    page.setDefaultTimeout(15_000)
  })

  afterAll(async () => {
    await page?.close()
    await server?.stop()
  })

  it('asks for a token, refuses a wrong one, and loads the board with the right one', async () => {
    await page.goto(server.base + '/')
    const prompt = page.getByTestId('token-prompt')
    await prompt.waitFor()
    await page.screenshot({ path: join(OUTPUT, 'auth-sign-in.png') })
    await fillSteadily(prompt.getByTestId('token-input'), 'tix_not_a_token')
    await prompt.getByTestId('token-submit').click()
    await expect.poll(() => prompt.textContent()).toContain('The server did not accept that token.')
    await fillSteadily(prompt.getByTestId('token-input'), token)
    await prompt.getByTestId('token-submit').click()
    await prompt.waitFor({ state: 'detached' })
    await page.locator(`[data-testid="card"][data-ticket-id="${ticketId}"]`).waitFor()
    await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('agent-phase2-a')
    await page.screenshot({ path: join(OUTPUT, 'auth-signed-in.png') })
    // The event stream carries the token too.
    await expect.poll(() => page.getByTestId('live-status').textContent()).toContain('Live')
    expect(await page.evaluate(() => localStorage.getItem('tix.token'))).toBe(token)
  })

  it('acts as the token’s agent and updates live', async () => {
    await page.locator(`[data-testid="card"][data-ticket-id="${ticketId}"]`).click()
    const drawer = page.getByTestId('ticket-drawer')
    await fillSteadily(drawer.getByLabel('New comment'), 'On it')
    await drawer.getByRole('button', { name: 'Comment', exact: true }).click()
    await drawer.locator('.comment', { hasText: 'On it' }).waitFor()
    expect(await drawer.locator('.comment', { hasText: 'On it' }).locator('strong').first().textContent()).toBe('agent-phase2-a')
    await page.getByRole('button', { name: 'Close ticket' }).click()
    // Another agent moves it: the card follows without a reload.
    const other = apiClient(server.base, '', (globalThis as { otherToken?: string }).otherToken)
    await other.post(`/api/tickets/${ticketId}/status`, { new_status: 'doing', comment: 'Taking over' })
    await page.locator('[data-testid="column-doing"]').locator(`[data-ticket-id="${ticketId}"]`).waitFor()
  })

  it('keeps the token across reloads and forgets it on sign-out', async () => {
    await page.reload()
    await page.locator(`[data-testid="card"][data-ticket-id="${ticketId}"]`).waitFor()
    expect(await page.getByTestId('token-prompt').count()).toBe(0)
    await page.getByTestId('sign-out').click()
    await page.getByTestId('token-prompt').waitFor()
    expect(await page.evaluate(() => localStorage.getItem('tix.token'))).toBeNull()
  })

  it('names an admin token’s agent too, and marks it admin', async () => {
    const prompt = page.getByTestId('token-prompt')
    await fillSteadily(prompt.getByTestId('token-input'), adminToken)
    await prompt.getByTestId('token-submit').click()
    await prompt.waitFor({ state: 'detached' })
    const who = page.getByTestId('whoami')
    await expect.poll(() => who.locator('.whoami-name').textContent()).toBe('ops-lead')
    expect(await who.getByTestId('whoami-admin').textContent()).toBe('admin')
    expect(await who.getByTestId('avatar').getAttribute('data-agent')).toBe('ops-lead')
    expect(await who.getAttribute('title')).toBe('Signed in as ops-lead (an admin token: may act as any agent)')
    await page.locator(`[data-testid="card"][data-ticket-id="${ticketId}"]`).waitFor()
    await page.screenshot({ path: join(OUTPUT, 'auth-admin.png') })
    await page.getByTestId('sign-out').click()
    await prompt.waitFor()
  })
})

describe('when the server goes away', () => {
  it('shows that the data may be stale while reconnecting, then resumes from the last event', async () => {
    const dir = tempDir()
    const addr = `127.0.0.1:${await freePort()}`
    let server = await startTix({ dir, addr })
    const api = () => apiClient(server.base)
    const workflowId = (
      await api().post<{ id: string }>('/api/workflows', {
        name: 'Flaky network',
        board_config: { columns: [{ id: 'todo', name: 'To do' }, { id: 'done', name: 'Done' }], ticket_types: ['task'], initial_status: 'todo' },
      })
    ).id
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    page.setDefaultTimeout(20_000)
    try {
      await page.goto(`${server.base}/w/${workflowId}/board`)
      await expect.poll(() => page.getByTestId('live-status').textContent()).toContain('Live')
      expect(await page.getByTestId('stale-banner').count()).toBe(0)
      await server.stop({ keep: true })
      const banner = page.getByTestId('stale-banner')
      await banner.waitFor()
      expect(await banner.textContent()).toContain('What you see may be out of date')
      expect(await page.getByTestId('live-status').textContent()).toContain('Reconnecting')
      server = await startTix({ dir, addr })
      // Made before the page is back: it arrives because the stream resumes
      // with Last-Event-ID (a reconnect does not reload the board).
      const created = await api().post<{ ticket_id: string }>('/api/tickets', { workflow_id: workflowId, title: 'After the outage', ticket_type: 'task' })
      expect(await page.getByTestId('stale-banner').count()).toBe(1)
      await banner.waitFor({ state: 'detached' })
      await expect.poll(() => page.getByTestId('live-status').textContent()).toContain('Live')
      await page.locator(`[data-testid="card"][data-ticket-id="${created.ticket_id}"]`).waitFor()
    } finally {
      await page.close()
      await server.stop()
    }
  })
})

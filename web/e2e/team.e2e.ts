// Watching a team of agents: cards that say why (blockers, Ready, holder
// and lease), the blocked-by popover by keyboard, avatars, swimlanes, phase
// bands and filters, the server's words (duplicates, Guardian, refusals),
// Resolve on a blocked ticket, reopening from Done, bad ticket URLs, flashes
// and the activity panel, narrow screens, dark mode, and the screenshots.

import { join } from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { apiClient, fillSteadily, launchChromium, OUTPUT, startTix, type TixServer } from './harness'

let server: TixServer
let browser: Browser
let context: BrowserContext
let page: Page
let workflowId: string
const ids: Record<string, string> = {}
const as = (agent: string) => apiClient(server.base, agent)

const card = (key: string) => page.locator(`[data-testid="card"][data-ticket-id="${ids[key]}"]`)
const column = (status: string) => page.locator(`[data-testid="column-${status}"]`)
const boardUrl = () => `${server.base}/w/${workflowId}/board`

async function create(key: string, title: string, extra: Record<string, unknown> = {}) {
  const created = await as('agent-phase1').post<{ ticket_id: string }>('/api/tickets', {
    workflow_id: workflowId,
    title,
    ticket_type: 'component',
    ...extra,
  })
  ids[key] = created.ticket_id
}

async function drag(key: string, status: string) {
  const from = await card(key).boundingBox()
  const to = await column(status).boundingBox()
  if (!from || !to) throw new Error('card or column not visible')
  await page.mouse.move(from.x + from.width / 2, from.y + 14)
  await page.mouse.down()
  await page.mouse.move(from.x + from.width / 2 + 12, from.y + 22, { steps: 4 })
  await page.mouse.move(to.x + to.width / 2, to.y + 120, { steps: 15 })
  await page.mouse.up()
}

async function noHorizontalScroll(p: Page) {
  return p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth)
}

beforeAll(async () => {
  server = await startTix()
  const workflow = await as('agent-phase1').post<{ id: string }>('/api/workflows', {
    name: 'Web app (team)',
    board_config: {
      columns: [
        { id: 'backlog', name: 'Backlog' },
        { id: 'building', name: 'Building' },
        { id: 'built', name: 'Built' },
        { id: 'testing', name: 'Testing', wip_limit: 2 },
        { id: 'done', name: 'Done' },
      ],
      ticket_types: ['component', 'bug'],
      initial_status: 'backlog',
    },
    phases: [
      { id: 1, name: 'Plan', description: 'Create the tickets.', columns: ['backlog'] },
      { id: 2, name: 'Build', description: 'Build one component.', columns: ['backlog', 'building', 'built'] },
      { id: 3, name: 'Test', description: 'Test and resolve.', columns: ['built', 'testing', 'done'] },
    ],
  })
  workflowId = workflow.id
  await create('db', 'Database Schema', { priority: 'critical' })
  await create('infra', 'Infrastructure setup', { priority: 'high' })
  await create('cache', 'Cache layer', { priority: 'low' })
  await create('auth', 'Authentication System', { blocked_by_ticket_ids: [ids.db] })
  await create('api', 'API Endpoints', { blocked_by_ticket_ids: [ids.db, ids.infra, ids.cache, ids.auth] })
  await create('docs', 'Write the docs', { priority: 'low', ticket_type: 'bug' })
  await create('flaky1', 'Flaky login test', { ticket_type: 'bug' })
  await create('flaky2', 'Flaky upload test', { ticket_type: 'bug' })
  // Two agents claim (the most urgent ready tickets: db, then infra).
  await as('agent-phase2-a').post(`/api/workflows/${workflowId}/claim`, {})
  await as('agent-phase2-b').post(`/api/workflows/${workflowId}/claim`, {})
  // Testing is full (WIP 2).
  for (const key of ['flaky1', 'flaky2']) {
    await as('agent-phase3-a').patch(`/api/tickets/${ids[key]}`, { assigned_agent_id: 'agent-phase3-a' })
    await as('agent-phase3-a').post(`/api/tickets/${ids[key]}/status`, { new_status: 'testing', comment: 'Reproducing' })
  }

  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.setDefaultTimeout(15_000)
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('cards say why', () => {
  it('names open blockers on the card, marks ready tickets, and shows the holder with the lease left', async () => {
    await page.goto(boardUrl())
    await card('api').waitFor()
    const why = (await card('api').getByTestId('blocked-by').textContent()) ?? ''
    expect(why).toMatch(/^Waiting on (Database Schema|Infrastructure setup|Cache layer|Authentication System), .+ \+2 more$/)
    expect(await card('auth').getByTestId('blocked-by').textContent()).toBe('Waiting on Database Schema')
    await card('cache').getByTestId('ready-badge').waitFor()
    expect(await card('docs').getByTestId('ready-badge').textContent()).toContain('Ready')
    expect(await card('auth').getByTestId('ready-badge').count()).toBe(0)
    expect(await card('db').getByTestId('ready-badge').count()).toBe(0)
    expect(await card('db').getByTestId('holder').textContent()).toMatch(/^P2Aagent-phase2-a(29|30) min left$/)
  })

  it('gives each agent its own initials and colour', async () => {
    const a = card('db').getByTestId('avatar')
    const b = card('infra').getByTestId('avatar')
    expect(await a.textContent()).toBe('P2A')
    expect(await b.textContent()).toBe('P2B')
    const colour = (l: typeof a) => l.evaluate((el) => getComputedStyle(el).backgroundColor)
    expect(await colour(a)).not.toBe(await colour(b))
  })

  it('opens the blocked-by popover from the keyboard, inside the window, and closes it with Escape', async () => {
    const badge = card('api').getByTestId('blocked-badge')
    // Tab from the card reaches its badge.
    await card('api').focus()
    await page.keyboard.press('Tab')
    expect(await badge.evaluate((el) => el === document.activeElement)).toBe(true)
    const popover = page.getByTestId('popover')
    await popover.waitFor()
    const text = (await popover.textContent()) ?? ''
    for (const title of ['Database Schema', 'Infrastructure setup', 'Cache layer', 'Authentication System']) expect(text).toContain(title)
    expect(text).toContain('Building · agent-phase2-a')
    const box = (await popover.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.y).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(1440)
    expect(box.y + box.height).toBeLessThanOrEqual(900)
    expect(await badge.getAttribute('aria-expanded')).toBe('true')
    await page.keyboard.press('Escape')
    await popover.waitFor({ state: 'detached' })
    await page.getByTestId('ticket-drawer').waitFor({ state: 'detached' })
  })
})

describe('who and which phase', () => {
  it('draws the phases over the columns they cover', async () => {
    const bands = page.getByTestId('phase-band')
    expect(await bands.allTextContents()).toEqual(['Phase 1 Plan', 'Phase 2 Build', 'Phase 3 Test'])
    const build = (await bands.nth(1).boundingBox())!
    const backlog = (await column('backlog').boundingBox())!
    const built = (await column('built').boundingBox())!
    expect(Math.abs(build.x - backlog.x)).toBeLessThan(2)
    expect(Math.abs(build.x + build.width - (built.x + built.width))).toBeLessThan(2)
  })

  it('groups the board by agent in swimlanes', async () => {
    await page.getByTestId('group-by-agent').check()
    await page.waitForURL('**group=agent**')
    const lanes = page.getByTestId('lane')
    await lanes.first().waitFor()
    const agents = await lanes.evaluateAll((els) => els.map((e) => e.getAttribute('data-agent')))
    expect(agents).toEqual(['agent-phase3-a', 'agent-phase2-a', 'agent-phase2-b', ''])
    expect(await page.locator('[data-testid="lane"][data-agent="agent-phase2-a"]').locator(`[data-ticket-id="${ids.db}"]`).count()).toBe(1)
    await shot(page, 'board-by-agent')
    await page.getByTestId('group-by-agent').uncheck()
    await column('backlog').waitFor()
  })

  it('filters by agent and by phase', async () => {
    const shown = page.getByTestId('shown-count')
    await page.getByLabel('Agent', { exact: true }).selectOption('agent-phase3-a')
    await expect.poll(() => shown.textContent()).toBe('2 of 8 tickets')
    await page.getByLabel('Agent', { exact: true }).selectOption('')
    await page.getByLabel('Phase', { exact: true }).selectOption('3')
    // Built, Testing, Done: the two flaky tests.
    await expect.poll(() => shown.textContent()).toBe('2 of 8 tickets')
    expect(page.url()).toContain('phase=3')
    await page.getByRole('button', { name: 'Clear' }).click()
    await expect.poll(() => shown.textContent()).toBe('8 tickets')
  })

  it('shows the phase, holder and lease in the drawer', async () => {
    await card('db').click()
    const drawer = page.getByTestId('ticket-drawer')
    expect(await drawer.getByTestId('ticket-phase').textContent()).toBe('Phase 2: Build')
    expect(await drawer.textContent()).toMatch(/agent-phase2-a\s*(29|30) min left/)
    await page.getByRole('button', { name: 'Close ticket' }).click()
  })
})

describe('the server’s words reach the person', () => {
  it('shows possible duplicates after a create, with a way to open them', async () => {
    // This server runs without embeddings, so its answer has no similar
    // tickets: add one to the real answer, as a server with search sends.
    await page.route('**/api/tickets', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback()
      const response = await route.fetch()
      const body = await response.json()
      body.similar_tickets = [{ id: ids.db, title: 'Database Schema', status: 'building', similarity: 0.82 }]
      await route.fulfill({ response, json: body })
    })
    await page.getByRole('button', { name: '+ New ticket' }).click()
    const dialog = page.getByRole('dialog', { name: 'New ticket' })
    await fillSteadily(dialog.getByPlaceholder('Build Authentication System'), 'Database schema and migrations')
    await dialog.getByTestId('create-ticket').click()
    const toast = page.getByTestId('toast-warning')
    await toast.waitFor()
    expect(await toast.textContent()).toContain('Created “Database schema and migrations”')
    expect(await toast.textContent()).toContain('“Database Schema” in Building: 82 % similar')
    await toast.getByRole('button', { name: 'Open “Database Schema”' }).click()
    expect(await page.getByTestId('ticket-drawer').getByTestId('ticket-title').textContent()).toBe('Database Schema')
    await page.getByRole('button', { name: 'Close ticket' }).click()
    await page.unroute('**/api/tickets')
    ids.dup = (await page.locator('[data-testid="card"]', { hasText: 'Database schema and migrations' }).getAttribute('data-ticket-id')) as string
  })

  it('says which column is full, in column names and without CLI hints', async () => {
    await card('docs').click()
    const drawer = page.getByTestId('ticket-drawer')
    await fillSteadily(drawer.getByLabel('Action comment'), 'Straight to testing')
    await drawer.getByLabel('Target column').selectOption('testing')
    await drawer.getByRole('button', { name: 'Move', exact: true }).click()
    const toast = page.getByTestId('toast-error').last()
    await toast.waitFor()
    const text = (await toast.textContent()) ?? ''
    expect(text).toContain('Testing is full')
    expect(text).toContain('It holds 2 tickets, its limit is 2.')
    expect(text).not.toMatch(/tix |`|'testing'/)
    await toast.getByRole('button', { name: 'Dismiss' }).click()
  })

  it('shows Guardian warnings after a move that went through', async () => {
    const drawer = page.getByTestId('ticket-drawer')
    await fillSteadily(drawer.getByLabel('Action comment'), 'Already built elsewhere')
    await drawer.getByLabel('Target column').selectOption('built')
    await drawer.getByRole('button', { name: 'Move', exact: true }).click()
    const toast = page.getByTestId('toast-warning').last()
    await toast.waitFor()
    expect(await toast.textContent()).toContain('Guardian: Skipped Building (moved from Backlog to Built).')
    await column('built').locator(`[data-ticket-id="${ids.docs}"]`).waitFor()
    await page.getByRole('button', { name: 'Close ticket' }).click()
  })

  it('disables Resolve on a blocked ticket and says why', async () => {
    await card('auth').click()
    const drawer = page.getByTestId('ticket-drawer')
    expect(await drawer.getByTestId('resolve').isDisabled()).toBe(true)
    expect(await drawer.getByTestId('resolve-why').textContent()).toBe('Can’t resolve yet: waiting on “Database Schema”.')
    // Nor move it forward.
    await fillSteadily(drawer.getByLabel('Action comment'), 'Starting anyway')
    await drawer.getByLabel('Target column').selectOption('building')
    expect(await drawer.getByRole('button', { name: 'Move', exact: true }).isDisabled()).toBe(true)
    expect(await drawer.getByTestId('resolve-why').textContent()).toContain('It can move back, but not forward to Building.')
    await page.getByRole('button', { name: 'Close ticket' }).click()
  })

  it('warns that moving a card out of Done reopens it and re-blocks what waits on it', async () => {
    await as('agent-phase3-a').post(`/api/tickets/${ids.cache}/resolve`, { resolution_comment: 'Done' })
    await column('done').locator(`[data-ticket-id="${ids.cache}"]`).waitFor()
    await drag('cache', 'built')
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    expect(await dialog.getByTestId('reopen-warning').textContent()).toBe(
      'This reopens a resolved ticket. 1 ticket waiting on it will be blocked again: “API Endpoints”.',
    )
    expect(await dialog.getByTestId('confirm-move').textContent()).toBe('Reopen and move to Built')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await column('done').locator(`[data-ticket-id="${ids.cache}"]`).waitFor()
  })

  it('says “not found” for a bad ticket URL', async () => {
    await page.goto(`${server.base}/tickets/ticket-doesnotexist`)
    await page.getByRole('heading', { name: 'Ticket not found' }).waitFor()
    expect(await page.getByTestId('ticket-not-found').textContent()).toContain('There is no ticket ticket-doesnotexist here.')
    await page.goto(`${boardUrl()}?ticket=ticket-doesnotexist`)
    const error = page.getByTestId('ticket-drawer').getByTestId('ticket-error')
    await error.waitFor()
    expect(await error.textContent()).toContain('Ticket not found')
    await error.getByRole('button', { name: 'Back to the board' }).click()
    await page.getByTestId('ticket-drawer').waitFor({ state: 'detached' })
  })
})

describe('what just happened', () => {
  it('flashes changed cards and tells the activity in words', async () => {
    await page.goto(boardUrl())
    await card('db').waitFor()
    await expect.poll(() => page.getByTestId('live-status').textContent()).toContain('Live')
    // Closed, the panel's button counts what arrives.
    await page.waitForTimeout(300)
    await as('agent-phase2-b').post(`/api/tickets/${ids.infra}/comments`, { comment_text: 'Compose file ready' })
    await expect.poll(() => page.getByTestId('activity-unseen').textContent()).toBe('1')
    await page.getByTestId('activity-toggle').click()
    expect(await page.getByTestId('activity-unseen').count()).toBe(0)
    const activity = page.getByTestId('activity')
    await activity.waitFor()
    // The recent past is there already.
    await expect.poll(() => activity.textContent()).toContain('agent-phase2-a claimed Database Schema')
    await as('agent-phase3-a').post(`/api/tickets/${ids.db}/resolve`, { resolution_comment: 'Migrations verified' })
    await card('db').and(page.locator('[data-flashing="true"]')).waitFor()
    await card('auth').getByTestId('blocked-by').waitFor({ state: 'detached' })
    // The resolve, and (just after it, so above it) the holder's run it ended.
    const items = activity.getByTestId('activity-item')
    const resolved = items.filter({ hasText: 'resolved Database Schema' }).first()
    await expect.poll(() => resolved.textContent()).toContain('agent-phase3-a resolved Database Schema; unblocked Authentication System')
    await expect.poll(() => items.first().textContent()).toContain('agent-phase3-a ended agent-phase2-a’s run on Database Schema (succeeded)')
    await shot(page, 'board-activity')
    await resolved.getByRole('button', { name: 'Authentication System' }).click()
    expect(await page.getByTestId('ticket-drawer').getByTestId('ticket-title').textContent()).toBe('Authentication System')
    await page.getByRole('button', { name: 'Close ticket' }).click()
    await page.getByRole('button', { name: 'Close activity' }).click()
  })
})

describe('any screen, dark or light', () => {
  it('fits a 390 px phone: no sideways page scroll, tabs reachable, drawer full width', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light' })
    const p = await phone.newPage()
    for (const tab of ['board', 'graph', 'search', 'stats']) {
      await p.goto(`${server.base}/w/${workflowId}/${tab}`)
      await p.locator(tab === 'board' ? '[data-testid="card"]' : tab === 'graph' ? '[data-testid="graph-node"]' : tab === 'stats' ? '[data-testid="stats"]' : '[data-testid="search-input"]').first().waitFor()
      expect(await noHorizontalScroll(p)).toBe(true)
      for (const link of await p.locator('.tabs .tab').all()) {
        const box = (await link.boundingBox())!
        expect(box.x).toBeGreaterThanOrEqual(0)
        expect(box.x + box.width).toBeLessThanOrEqual(390)
      }
      expect(await p.getByTestId('live-status').isVisible()).toBe(true)
    }
    // The popover stays inside a phone's screen too.
    await p.goto(`${server.base}/w/${workflowId}/board`)
    await p.locator(`[data-testid="card"][data-ticket-id="${ids.api}"]`).getByTestId('blocked-badge').focus()
    const popover = (await p.getByTestId('popover').boundingBox())!
    expect(popover.x).toBeGreaterThanOrEqual(0)
    expect(popover.x + popover.width).toBeLessThanOrEqual(390)
    expect(popover.y + popover.height).toBeLessThanOrEqual(844)
    await p.goto(`${server.base}/w/${workflowId}/board?ticket=${ids.auth}`)
    const drawer = p.getByTestId('ticket-drawer')
    await drawer.getByTestId('ticket-title').waitFor()
    expect((await drawer.boundingBox())!.width).toBe(390)
    expect(await noHorizontalScroll(p)).toBe(true)
    await phone.close()
  })

  it('follows prefers-color-scheme, and the toggle switches and is remembered', async () => {
    const dark = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' })
    const p = await dark.newPage()
    await p.goto(boardUrl())
    await p.locator('[data-testid="card"]').first().waitFor()
    const colours = (q: Page) =>
      q.evaluate(() => ({
        theme: document.documentElement.dataset.theme,
        bg: getComputedStyle(document.documentElement).backgroundColor,
        card: getComputedStyle(document.querySelector('.card')!).backgroundColor,
        text: getComputedStyle(document.querySelector('.card-title')!).color,
      }))
    const inDark = await colours(p)
    const inLight = await colours(page)
    expect(inDark.theme).toBe('dark')
    expect(inLight.theme).toBe('light')
    expect(inDark.bg).not.toBe(inLight.bg)
    expect(inDark.card).not.toBe(inLight.card)
    expect(inDark.text).not.toBe(inLight.text)
    await p.getByTestId('theme-toggle').click()
    await expect.poll(async () => (await colours(p)).theme).toBe('light')
    expect((await colours(p)).card).toBe(inLight.card)
    await p.reload()
    await p.locator('[data-testid="card"]').first().waitFor()
    expect((await colours(p)).theme).toBe('light')
    await dark.close()
  })

  it('screenshots every tab in light and dark, at 1440×900 and 390×844', async () => {
    const tabs: [string, string][] = [
      ['board', '[data-testid="card"]'],
      ['graph', '[data-testid="graph-node"]'],
      ['search', '[data-testid="search-result"]'],
      ['stats', '[data-testid="stats"] canvas'],
    ]
    for (const scheme of ['light', 'dark'] as const) {
      for (const [width, height] of [
        [1440, 900],
        [390, 844],
      ]) {
        const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme })
        const p = await ctx.newPage()
        for (const [tab, ready] of tabs) {
          await p.goto(`${server.base}/w/${workflowId}/${tab}${tab === 'search' ? '?q=test' : ''}`)
          await p.locator(ready).first().waitFor()
          await p.waitForTimeout(tab === 'graph' ? 400 : 150)
          await p.screenshot({ path: join(OUTPUT, `${tab}-${scheme}-${width}x${height}.png`) })
        }
        await ctx.close()
      }
    }
  })
})

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(OUTPUT, `${name}.png`) })
}

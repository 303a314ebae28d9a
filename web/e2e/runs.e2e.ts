// Runs, as a person watching agents sees them: the drawer's Runs section
// (outcomes, tokens, cost, exit code, summary and hand-off), the Statistics
// Runs panel (outcomes, per agent, per phase, the most expensive tickets,
// runs per resolved ticket), and finished runs in the activity panel.
// Runs are made the way agents make them: a claim (or a phase's task
// claimed) opens one, `POST /api/runs/{id}/finish` ends it.

import { join } from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { apiClient, launchChromium, OUTPUT, startTix, type TixServer } from './harness'

let server: TixServer
let browser: Browser
let page: Page
let workflowId: string
let quietId: string
const ids: Record<string, string> = {}
/** The run each key's claim opened. */
const runs: Record<string, string> = {}
const as = (agent: string) => apiClient(server.base, agent)

const LONG_SUMMARY = Array.from({ length: 10 }, (_, i) => `- Step ${i + 1}: checked the refresh flow against the staging database`).join('\n')

async function create(key: string, title: string, extra: Record<string, unknown> = {}) {
  const created = await as('agent-phase1').post<{ ticket_id: string }>('/api/tickets', {
    workflow_id: workflowId,
    title,
    ticket_type: 'component',
    ...extra,
  })
  ids[key] = created.ticket_id
}

/** `agent` claims the ticket (or its phase's best task): the run it opened. */
async function claim(agent: string, body: Record<string, unknown>): Promise<string> {
  const claimed = await as(agent).post<{ run_id: string; id: string }>(`/api/workflows/${workflowId}/claim`, body)
  return claimed.run_id
}

async function finish(agent: string, runId: string, body: Record<string, unknown>) {
  await as(agent).post(`/api/runs/${runId}/finish`, body)
}

beforeAll(async () => {
  server = await startTix()
  workflowId = (
    await as('agent-phase1').post<{ id: string }>('/api/workflows', {
      name: 'Web app (runs)',
      board_config: {
        columns: [
          { id: 'backlog', name: 'Backlog' },
          { id: 'building', name: 'Building' },
          { id: 'built', name: 'Built' },
          { id: 'testing', name: 'Testing' },
          { id: 'done', name: 'Done' },
        ],
        ticket_types: ['component'],
        initial_status: 'backlog',
      },
      phases: [
        { id: 1, name: 'Plan', description: 'Create the tickets.', columns: ['backlog'] },
        { id: 2, name: 'Build', description: 'Build one component.', columns: ['backlog', 'building', 'built'] },
        { id: 3, name: 'Test', description: 'Test and resolve.', columns: ['built', 'testing', 'done'] },
      ],
    })
  ).id
  quietId = (
    await as('agent-phase1').post<{ id: string }>('/api/workflows', {
      name: 'Quiet board',
      board_config: { columns: [{ id: 'todo', name: 'To do' }, { id: 'done', name: 'Done' }], ticket_types: ['task'], initial_status: 'todo' },
    })
  ).id
  await create('auth', 'Authentication System', { priority: 'high' })
  await create('db', 'Database Schema')
  await create('cache', 'Cache layer')
  await create('infra', 'Infrastructure setup')
  await create('docs', 'Write the docs', { priority: 'low' })

  // Attempt 1 at Auth fails and gives the ticket back (ready again).
  runs.auth1 = await claim('agent-phase2-a', { ticket_id: ids.auth })
  await finish('agent-phase2-a', runs.auth1, {
    outcome: 'failed',
    exit_code: 1,
    summary: 'Login tests fail against the staging database.',
    handoff: {
      done: 'Login form and the JWT issuer.',
      remaining: 'Refresh tokens; the failing login test.',
      decisions: 'HS256 keys from the environment, rotated daily.',
      risks: 'Clock skew between the API and the issuer.',
    },
    tokens_in: 12_000,
    tokens_out: 3_400,
    cost_usd: 0.42,
  })
  // Attempt 2 succeeds; a tester resolves it.
  runs.auth2 = await claim('agent-phase2-b', { ticket_id: ids.auth })
  await finish('agent-phase2-b', runs.auth2, {
    outcome: 'succeeded',
    exit_code: 0,
    summary: LONG_SUMMARY,
    handoff: { done: 'Refresh tokens, login fixed.', remaining: 'Nothing.', risks: 'Keys must be set in production.' },
    tokens_in: 30_500,
    tokens_out: 8_200,
    cost_usd: 1.25,
  })
  await as('agent-phase3-a').post(`/api/tickets/${ids.auth}/resolve`, { resolution_comment: 'Verified' })
  // A phase 3 task on the cache, claimed by phase.
  await as('agent-phase2-b').post('/api/tasks', {
    ticket_id: ids.cache,
    phase_id: 3,
    description: `Phase 3: Test the cache layer - TICKET: ${ids.cache}`,
  })
  runs.cache = await claim('agent-phase3-a', { phase_id: 3 })
  await finish('agent-phase3-a', runs.cache, { outcome: 'succeeded', exit_code: 0, summary: 'Cache hits verified.', tokens_in: 5_000, tokens_out: 700, cost_usd: 0.05 })
  // A person hands the schema to someone else: the holder's run loses its lease.
  runs.db = await claim('agent-phase2-a', { ticket_id: ids.db })
  await as('human').patch(`/api/tickets/${ids.db}`, { assigned_agent_id: 'agent-phase2-b' })
  // Still running.
  runs.infra = await claim('agent-phase2-c', { ticket_id: ids.infra })

  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' })
  page.setDefaultTimeout(15_000)
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

const drawerUrl = (key: string) => `${server.base}/w/${workflowId}/board?ticket=${ids[key]}`

describe('the ticket drawer', () => {
  it('lists the runs newest first: agent, outcome, tokens, cost, exit code, summary and hand-off', async () => {
    await page.goto(drawerUrl('auth'))
    const drawer = page.getByTestId('ticket-drawer')
    const section = drawer.getByTestId('runs')
    await section.waitFor()
    expect(await section.locator('h2').textContent()).toBe('Runs (2)')
    expect(await section.getByTestId('runs-total').textContent()).toBe('2 runs · $1.67 · 43k in · 12k out · newest first')
    const items = section.getByTestId('run')
    expect(await items.evaluateAll((els) => els.map((e) => [e.getAttribute('data-run-id'), e.getAttribute('data-outcome')]))).toEqual([
      [runs.auth2, 'succeeded'],
      [runs.auth1, 'failed'],
    ])
    const failed = items.nth(1)
    expect(await failed.getByTestId('avatar').getAttribute('data-agent')).toBe('agent-phase2-a')
    expect(await failed.getByTestId('outcome-badge').textContent()).toBe('failed')
    expect(await failed.getByTestId('run-exit').textContent()).toBe('exit 1')
    expect(await failed.getByTestId('run-cost').textContent()).toBe('$0.42')
    expect(await failed.getByTestId('run-tokens').textContent()).toBe('12k in · 3.4k out')
    expect(await failed.textContent()).toMatch(/#1.*(just now|min ago) · took \d+s/)
    expect(await failed.getByTestId('run-summary').textContent()).toBe('Login tests fail against the staging database.')
    const handoff = failed.getByTestId('run-handoff')
    expect(await handoff.locator('dt').allTextContents()).toEqual(['Done', 'Remaining', 'Decisions', 'Risks'])
    expect(await handoff.textContent()).toContain('Clock skew between the API and the issuer.')
    // Outcome colours differ.
    const colour = (i: number) => items.nth(i).getByTestId('outcome-badge').evaluate((el) => getComputedStyle(el).backgroundColor)
    expect(await colour(0)).not.toBe(await colour(1))
    // The long summary is folded until asked for.
    const summary = items.nth(0).getByTestId('run-summary')
    expect(await summary.getAttribute('class')).toContain('folded')
    const unfold = summary.getByRole('button', { name: 'Show the whole summary' })
    const folded = (await summary.boundingBox())!.height
    await unfold.click()
    await summary.getByRole('button', { name: 'Show less of the summary' }).waitFor()
    expect((await summary.boundingBox())!.height).toBeGreaterThan(folded)
    // The history tells the runs too.
    expect(await drawer.getByTestId('history').textContent()).toContain('agent-phase2-a ended a run (failed)')
  })

  it('shows the phase of a task’s run, a lost lease and a run still open', async () => {
    await page.goto(drawerUrl('cache'))
    const cache = page.getByTestId('ticket-drawer').getByTestId('run')
    await cache.waitFor()
    expect(await cache.textContent()).toContain('Phase 3: Test task')
    await page.goto(drawerUrl('db'))
    const db = page.getByTestId('ticket-drawer').getByTestId('run')
    await db.waitFor()
    expect(await db.getAttribute('data-outcome')).toBe('lease_lost')
    expect(await db.getByTestId('outcome-badge').textContent()).toBe('lease lost')
    expect(await db.textContent()).toContain('ended by human')
    await page.goto(drawerUrl('infra'))
    const infra = page.getByTestId('ticket-drawer').getByTestId('run')
    await infra.waitFor()
    expect(await infra.getAttribute('data-outcome')).toBe('open')
    expect(await infra.textContent()).toMatch(/running for \d+s/)
  })

  it('shows no Runs section on a ticket nobody ran', async () => {
    await page.goto(drawerUrl('docs'))
    await page.getByTestId('ticket-drawer').getByTestId('ticket-title').waitFor()
    await page.getByTestId('ticket-drawer').getByTestId('history').waitFor()
    expect(await page.getByTestId('ticket-drawer').getByTestId('runs').count()).toBe(0)
  })
})

describe('the statistics', () => {
  it('sums runs up: key figures, outcomes, per agent and phase, and the costliest tickets', async () => {
    await page.goto(`${server.base}/w/${workflowId}/stats`)
    const panel = page.getByTestId('stats-runs')
    await panel.waitFor()
    expect(await panel.getByTestId('kpi-runs').textContent()).toContain('Runs5started in the last')
    expect(await panel.getByTestId('kpi-runs').textContent()).toContain('1 open')
    // The open run and the lost lease reported nothing: the totals say whose they are.
    expect(await panel.getByTestId('kpi-cost').textContent()).toBe('Cost$1.72reported by 3 of 5 runs')
    expect(await panel.getByTestId('kpi-tokens-in').textContent()).toBe('Tokens in48kreported by 3 of 5 runs')
    expect(await panel.getByTestId('kpi-tokens-out').textContent()).toBe('Tokens out12kreported by 3 of 5 runs')
    const retries = panel.getByTestId('kpi-retries')
    expect(await retries.locator('.kpi-value').textContent()).toBe('2')
    expect(await retries.locator('.kpi-sub').textContent()).toContain('2 runs on the 1 ticket resolved in the last')
    const outcomes = await panel.getByTestId('outcome-count').evaluateAll((els) => els.map((e) => [e.getAttribute('data-outcome'), e.querySelector('strong')?.textContent]))
    expect(outcomes).toEqual([
      ['open', '1'],
      ['succeeded', '2'],
      ['failed', '1'],
      ['lease_lost', '1'],
    ])
    const rows = (testid: string) =>
      panel
        .getByTestId(testid)
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent?.trim())))
    expect(await rows('runs-by-agent')).toEqual([
      ['P2B agent-phase2-b', '1', '31k / 8.2k', '$1.25'],
      ['P2A agent-phase2-a', '2', '12k / 3.4k', '$0.42'],
      ['P3A agent-phase3-a', '1', '5k / 700', '$0.05'],
      // Its only run is still open and reported nothing: not "free".
      ['P2C agent-phase2-c', '1', '–', '–'],
    ])
    expect((await rows('runs-by-phase')).map((r) => [r[0], r[1]])).toEqual([
      ['Phase 3: Test', '1'],
      ['No phase', '4'],
    ])
    const tickets = await rows('runs-by-ticket')
    expect(tickets[0]).toEqual([`Authentication System${ids.auth.slice(7)}`, '2', '43k / 12k', '$1.67'])
    await panel.getByTestId('cost-ticket').first().click()
    expect(await page.getByTestId('ticket-drawer').getByTestId('ticket-title').textContent()).toBe('Authentication System')
    await page.getByTestId('ticket-drawer').getByTestId('runs').waitFor()
    await page.getByRole('button', { name: 'Close ticket' }).click()
  })

  it('says in one line where runs come from when there are none', async () => {
    await page.goto(`${server.base}/w/${quietId}/stats`)
    const empty = page.getByTestId('stats-runs-empty')
    await empty.waitFor()
    expect(await empty.textContent()).toContain('Runs appear when agents claim tickets or start tasks.')
    expect(await page.getByTestId('stats-runs').count()).toBe(0)
  })
})

describe('screenshots', () => {
  it('of the drawer’s runs and the statistics’ Runs panel, light and dark, 1440×900 and 390×844', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const [width, height] of [
        [1440, 900],
        [390, 844],
      ]) {
        const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme })
        const p = await ctx.newPage()
        p.setDefaultTimeout(15_000)
        await p.goto(drawerUrl('auth'))
        const section = p.getByTestId('ticket-drawer').getByTestId('runs')
        await section.waitFor()
        await section.evaluate((el) => el.scrollIntoView({ block: 'start' }))
        await p.waitForTimeout(150)
        await p.screenshot({ path: join(OUTPUT, `drawer-runs-${scheme}-${width}x${height}.png`) })
        await p.goto(`${server.base}/w/${workflowId}/stats`)
        const panel = p.getByTestId('stats-runs')
        await panel.waitFor()
        await panel.evaluate((el) => el.scrollIntoView({ block: 'start' }))
        await p.waitForTimeout(150)
        await p.screenshot({ path: join(OUTPUT, `stats-runs-${scheme}-${width}x${height}.png`) })
        expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
        await ctx.close()
      }
    }
  })
})

describe('the activity panel', () => {
  it('tells a finished run and a hand-over in words, and the open drawer follows', async () => {
    await page.goto(`${server.base}/w/${workflowId}/board`)
    await page.evaluate(() => localStorage.setItem('tix.activity', '1'))
    await page.goto(drawerUrl('infra'))
    const run = page.getByTestId('ticket-drawer').getByTestId('run')
    await run.waitFor()
    expect(await run.getAttribute('data-outcome')).toBe('open')
    await expect.poll(() => page.getByTestId('live-status').textContent()).toContain('Live')
    const activity = page.getByTestId('activity')
    await activity.waitFor()
    // From before the page opened.
    await expect.poll(() => activity.textContent()).toContain('human assigned Database Schema to agent-phase2-b')
    const text = (await activity.textContent()) ?? ''
    expect(text).toContain('agent-phase2-a’s run on Authentication System failed (exit 1, $0.42)')
    expect(text).toContain('human ended agent-phase2-a’s run on Database Schema (lease lost)')
    expect(text).toContain('agent-phase2-a gave Authentication System back (to Backlog)')
    // Live.
    await finish('agent-phase2-c', runs.infra, { outcome: 'failed', exit_code: 2, summary: 'Terraform plan failed.', cost_usd: 0.3 })
    const items = activity.getByTestId('activity-item')
    await expect.poll(async () => (await items.allTextContents()).slice(0, 2).join(' | ')).toMatch(
      /agent-phase2-c gave Infrastructure setup back \(to Backlog\).* \| P2Cagent-phase2-c’s run on Infrastructure setup failed \(exit 2, \$0\.30\)/,
    )
    await expect.poll(() => run.getAttribute('data-outcome')).toBe('failed')
    expect(await run.getByTestId('run-summary').textContent()).toBe('Terraform plan failed.')
    // Given back after a failure: ready again on the board.
    await page.getByRole('button', { name: 'Close ticket' }).click()
    await page.locator(`[data-testid="card"][data-ticket-id="${ids.infra}"]`).getByTestId('ready-badge').waitFor()
    await page.screenshot({ path: join(OUTPUT, 'activity-runs.png') })
  })
})

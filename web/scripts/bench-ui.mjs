// UI benchmark at 1,000 tickets: seeds a workflow over the HTTP API on a
// fresh `tix serve`, then in headless Chromium prints
//   - the time from navigation to the board's first card visible,
//   - the time from navigation to the graph's first node,
//   - the longest task (PerformanceObserver "longtask") while five live
//     changes arrive, on the board and on the graph.
// Figures only; nothing is asserted.
//
//   TIX_BIN=path/to/tix TIX_WEB_DIR=web/dist node web/scripts/bench-ui.mjs [--count 1000] [--runs 3]
// or against a running server: TIX_URL=http://127.0.0.1:7420 node web/scripts/bench-ui.mjs

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { chromium } from 'playwright-core'

import { seedBigWorkflow } from './seed.mjs'

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}
const COUNT = arg('count', 1000)
const RUNS = arg('runs', 3)

async function startServer() {
  if (process.env.TIX_URL) return { base: process.env.TIX_URL, stop: async () => {} }
  const bin = process.env.TIX_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache', 'tix-target'), 'debug', 'tix')
  const dir = mkdtempSync(join(tmpdir(), 'tix-bench-'))
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--embedder', 'none', '--database', `sqlite://${join(dir, 'tix.db')}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RUST_LOG: 'warn' },
  })
  const base = await new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`tix serve exited (${code})`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /tix listening on (http:\/\/\S+)/.exec(line)
      if (m) ok(m[1])
    })
  })
  return {
    base,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((ok) => setTimeout(ok, 300))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// Runs in the page before anything else: when the first card / node shows
// up, and every long task.
function probe() {
  const w = window
  w.__longtasks = []
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longtasks.push(e.duration)
  }).observe({ type: 'longtask', buffered: true })
  const check = () => {
    if (w.__firstCard === undefined && document.querySelector('[data-testid="card"]')) w.__firstCard = performance.now()
    if (w.__firstNode === undefined && document.querySelector('[data-testid="graph-node"]')) w.__firstNode = performance.now()
  }
  new MutationObserver(check).observe(document, { childList: true, subtree: true })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (x) => `${Math.round(x)} ms`

const server = await startServer()
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
try {
  const started = Date.now()
  const seeded = await seedBigWorkflow(server.base, { count: COUNT })
  console.log(`seeded ${COUNT} tickets (${seeded.resolved.length} resolved, ${seeded.claimed.length} claimed) in ${ms(Date.now() - started)}`)
  const board = `${server.base}/w/${seeded.workflowId}/board`
  const graph = `${server.base}/w/${seeded.workflowId}/graph`
  const cards = []
  const nodes = []
  for (let run = 0; run < RUNS; run++) {
    for (const [url, key, list, selector] of [
      [board, '__firstCard', cards, '[data-testid="card"]'],
      [graph, '__firstNode', nodes, '[data-testid="graph-node"]'],
    ]) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
      const page = await context.newPage()
      await page.addInitScript(probe)
      await page.goto(url)
      await page.locator(selector).first().waitFor({ timeout: 30_000 })
      list.push(await page.evaluate((k) => window[k], key))
      await context.close()
    }
  }
  console.log(`board: first card visible   ${ms(median(cards))} (median of ${RUNS}: ${cards.map(ms).join(', ')})`)
  console.log(`graph: first node visible   ${ms(median(nodes))} (median of ${RUNS}: ${nodes.map(ms).join(', ')})`)

  // Live changes on the board and on the graph (all tickets shown is the hardest case).
  for (const [label, url] of [
    ['board', board],
    ['graph, resolved hidden (default)', graph],
    ['graph, all 1,000 shown', `${graph}?resolved=1`],
  ]) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.addInitScript(probe)
    await page.goto(url)
    await page.locator(url === board ? '[data-testid="card"]' : '[data-testid="graph-node"]').first().waitFor({ timeout: 30_000 })
    await page.getByTestId('live-status').getByText('Live').waitFor()
    await page.waitForTimeout(1500)
    await page.evaluate(() => (window.__longtasks = []))
    const open = seeded.ids.slice(seeded.resolved.length)
    for (let k = 0; k < 5; k++) {
      const id = open[k * 3]
      await fetch(`${server.base}/api/tickets/${id}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Agent-ID': 'agent-bench' },
        body: JSON.stringify({ comment_text: `bench change ${k}` }),
      })
      await fetch(`${server.base}/api/tickets/${id}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', 'X-Agent-ID': 'agent-bench' },
        body: JSON.stringify({ priority: k % 2 ? 'critical' : 'low' }),
      })
      await page.waitForTimeout(1000)
    }
    await page.waitForTimeout(1500)
    const tasks = await page.evaluate(() => window.__longtasks)
    console.log(`${label}: 5 live changes in 5 s: longest task ${tasks.length ? ms(Math.max(...tasks)) : 'none over 50 ms'} (${tasks.length} long tasks, ${ms(tasks.reduce((a, b) => a + b, 0))} in all)`)
    await context.close()
  }
} finally {
  await browser.close()
  await server.stop()
}

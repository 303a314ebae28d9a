// End-to-end harness: a real `tix serve` on a temporary SQLite database and
// headless Chromium from Debian driven by playwright-core.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

import { chromium, type Browser, type Locator } from 'playwright-core'

export const REPO = resolve(import.meta.dirname, '..', '..')
export const OUTPUT = join(REPO, 'test-output')

/** The `tix` binary: $TIX_BIN, else the debug build in $CARGO_TARGET_DIR. */
export function tixBinary(): string {
  if (process.env.TIX_BIN) return process.env.TIX_BIN
  const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache', 'tix-target')
  return join(target, 'debug', 'tix')
}

export interface TixServer {
  base: string
  /** The server's SQLite database URL (for `tix agent add`, or a restart). */
  database: string
  /** Stops the server; `keep` leaves its database for a restart. */
  stop(options?: { keep?: boolean }): Promise<void>
}

export interface TixOptions {
  /** More `tix serve` arguments, e.g. `['--auth', 'required']`. */
  args?: string[]
  /** Listen here (default: a free port). */
  addr?: string
  /** Reuse this directory's database (after a `stop({keep: true})`). */
  dir?: string
}

/** A fresh temporary directory for a server's database. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tix-e2e-'))
}

/** `tix agent add NAME` on a database: the new token. */
export function addAgentToken(database: string, name: string, admin = false): string {
  const out = execFileSync(tixBinary(), ['agent', 'add', name, '--database', database, ...(admin ? ['--admin'] : [])], { encoding: 'utf8' })
  const token = /tix_[0-9a-f]+/.exec(out)?.[0]
  if (!token) throw new Error(`no token in: ${out}`)
  return token
}

/** Starts `tix serve --addr 127.0.0.1:0 --database sqlite://<tmp>` and waits for its address. */
export async function startTix(options: TixOptions = {}): Promise<TixServer> {
  const bin = tixBinary()
  if (!existsSync(bin)) {
    throw new Error(`no tix binary at ${bin}: build it with \`cargo build -p tix\` (after \`npm run build\`), or set TIX_BIN`)
  }
  const dir = options.dir ?? tempDir()
  const database = `sqlite://${join(dir, 'tix.db')}`
  // Keyword search only unless TIX_E2E_EMBEDDER says otherwise: quick to
  // start, and no embedding of the 1,000 seeded tickets.
  const embedder = process.env.TIX_E2E_EMBEDDER ?? 'none'
  const args = ['serve', '--addr', options.addr ?? '127.0.0.1:0', '--database', database, '--embedder', embedder, ...(options.args ?? [])]
  const child: ChildProcess = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  })
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk)
  })
  const base = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`tix serve did not start in 20 s:\n${stderr}`)), 20_000)
    child.once('exit', (code) => fail(new Error(`tix serve exited (${code}):\n${stderr}`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /tix listening on (http:\/\/\S+)/.exec(line)
      if (match) {
        clearTimeout(timer)
        ok(match[1])
      }
    })
  })
  return {
    base,
    database,
    async stop({ keep = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      if (!keep) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium (scripts/test does), or set CHROMIUM`)
  }
  mkdirSync(OUTPUT, { recursive: true })
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS })
}

/** A JSON client of the server's API (as an agent would use it). */
export function apiClient(base: string, agent = 'e2e-agent', token?: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const who: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : { 'X-Agent-ID': agent }
    const response = await fetch(base + path, {
      method,
      headers: { ...who, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
    return (text ? JSON.parse(text) : undefined) as T
  }
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body?: unknown) => call<T>('POST', path, body),
    patch: <T>(path: string, body?: unknown) => call<T>('PATCH', path, body),
  }
}

/**
 * Fills a field and checks the value held (as `steadyFill` in ui.e2e.ts:
 * in Chromium 156 a fill in the frame of a dialog's first render is
 * sometimes lost; a person types after seeing the field).
 */
export async function fillSteadily(field: Locator, value: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await field.fill(value)
    if ((await field.inputValue()) === value) {
      await field.page().waitForTimeout(50)
      if ((await field.inputValue()) === value) return
    }
  }
  throw new Error(`the field did not keep the value ${JSON.stringify(value)}`)
}

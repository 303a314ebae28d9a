// The agent token a person signs in with (servers run with `--auth
// required`), kept in localStorage and sent as `Authorization: Bearer` on
// every API call and on the event stream. Listeners hear when it changes and
// when the server asks for one (401).

const TOKEN_KEY = 'tix.token'
const AGENT_KEY = 'tix.agent'

export type AuthNeed = 'token_required' | 'invalid_token'

type Listener = () => void
const listeners = new Set<Listener>()
let need: AuthNeed | null = null

function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

export function token(): string | null {
  return read(TOKEN_KEY) || null
}

/** The agent sent as X-Agent-ID without a token (the server defaults to `human`). */
export function actingAgent(): string {
  return read(AGENT_KEY) || 'human'
}

export function setToken(value: string | null): void {
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value)
    else localStorage.removeItem(TOKEN_KEY)
  } catch {
    // private mode: the token lives as long as the page
  }
  need = null
  for (const l of listeners) l()
}

/** The server refused a call for want of a (valid) token. */
export function authNeeded(): AuthNeed | null {
  return need
}

export function reportAuthNeeded(code: AuthNeed): void {
  if (need === code) return
  need = code
  for (const l of listeners) l()
}

export function onAuthChange(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The headers that say who is calling. */
export function identityHeaders(): Record<string, string> {
  const t = token()
  return t ? { Authorization: `Bearer ${t}` } : { 'X-Agent-ID': actingAgent() }
}

// A small typed client for the Tix API. Errors carry the server's
// `{"error": {code, message, hint}}` so the UI can show them as they are.

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly hint: string
  readonly details: Record<string, unknown>

  constructor(status: number, code: string, message: string, hint = '', details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.hint = hint
    this.details = details
  }
}

/** The acting agent sent as X-Agent-ID (the server defaults to `human`). */
export function actingAgent(): string {
  try {
    return localStorage.getItem('tix.agent') || 'human'
  } catch {
    return 'human'
  }
}

export interface RequestOptions {
  body?: unknown
  ifMatch?: number
  signal?: AbortSignal
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Agent-ID': actingAgent() }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (options.ifMatch !== undefined) headers['If-Match'] = String(options.ifMatch)
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(0, 'network_error', 'Cannot reach the Tix server.', 'Check that `tix serve` is running.')
  }
  const text = await response.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = text
    }
  }
  if (!response.ok) throw toApiError(response.status, data)
  return data as T
}

export function toApiError(status: number, data: unknown): ApiError {
  const error = (data as { error?: Record<string, unknown> } | undefined)?.error
  if (error && typeof error === 'object') {
    const { code, message, hint, ...details } = error
    return new ApiError(
      status,
      String(code ?? 'error'),
      String(message ?? `HTTP ${status}`),
      typeof hint === 'string' ? hint : '',
      details,
    )
  }
  return new ApiError(status, 'http_error', typeof data === 'string' && data ? data : `HTTP ${status}`)
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

export const enc = encodeURIComponent

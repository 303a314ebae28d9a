// The one client of the Tix API. Routes are the path templates of
// docs/openapi.json (`/api/tickets/{ticket_id}`), and bodies and answers are
// typed from it (src/api/schema.d.ts, generated). Errors carry the server's
// `{"error": {code, message, hint, ...details}}`.

import { identityHeaders, reportAuthNeeded } from './auth'
import type { paths } from './schema'

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

export type Method = 'get' | 'post' | 'patch' | 'delete'

/** The routes that answer `method`. */
export type Route<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P
}[keyof paths]

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never
type Success = 200 | 201 | 202
/** What a successful call answers. */
export type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? { [K in Extract<keyof R, Success>]: Json<R[K]> }[Extract<keyof R, Success>] : unknown
/** The JSON body a route takes. */
export type Body<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer R }
    ? [NonNullable<R>] extends [never]
      ? never
      : NonNullable<R> extends { content: { 'application/json': infer B } }
        ? B
        : never
    : never

/** `{ticket_id}` and friends of a path template. */
type ParamNames<P> = P extends `${string}{${infer K}}${infer Rest}` ? K | ParamNames<Rest> : never
export type PathParams<P> = { [K in ParamNames<P>]: string }

export type QueryValue = string | number | boolean | undefined | null
export type Query = Record<string, QueryValue>

export type Options<P extends keyof paths, M extends Method> = {
  query?: Query
  ifMatch?: number
  signal?: AbortSignal
} & ([ParamNames<P>] extends [never] ? { path?: never } : { path: PathParams<P> }) &
  ([Body<P, M>] extends [never] ? { body?: never } : { body: Body<P, M> })

/** Fills a path template: `url('/api/tickets/{ticket_id}', {ticket_id: 'x'})`. */
export function url(template: string, path: Record<string, string> = {}, params: Query = {}): string {
  const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = path[name]
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`)
    return encodeURIComponent(value)
  })
  return filled + query(params)
}

export function query(params: Query): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

async function request(method: Method, template: string, options: Record<string, unknown>): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json', ...identityHeaders() }
  const body = options.body
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (options.ifMatch !== undefined) headers['If-Match'] = String(options.ifMatch)
  let response: Response
  try {
    response = await fetch(url(template, options.path as Record<string, string>, options.query as Query), {
      method: method.toUpperCase(),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal as AbortSignal | undefined,
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(0, 'network_error', 'Cannot reach the Tix server.', 'Check that it is running; Tix retries by itself.')
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
  if (!response.ok) {
    const error = toApiError(response.status, data)
    if (response.status === 401 && (error.code === 'token_required' || error.code === 'invalid_token')) {
      reportAuthNeeded(error.code)
    }
    throw error
  }
  return data
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

type Args<P extends keyof paths, M extends Method> = keyof PathParams<P> extends never
  ? [Body<P, M>] extends [never]
    ? [options?: Options<P, M>]
    : [options: Options<P, M>]
  : [options: Options<P, M>]

function caller<M extends Method>(method: M) {
  return <P extends Route<M>>(path: P, ...[options]: Args<P, M>): Promise<Answer<P, M>> =>
    request(method, path, (options ?? {}) as Record<string, unknown>) as Promise<Answer<P, M>>
}

/** `api.get('/api/tickets/{ticket_id}', {path: {ticket_id}})` and so on. */
export const api = {
  get: caller('get'),
  post: caller('post'),
  patch: caller('patch'),
  delete: caller('delete'),
}

/** An ApiError for anything thrown. */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'error', String(err))
}

/** Who the server takes this browser for: a token's agent (an admin's too), whether it is an admin's, and the server's auth mode. */
export type Identity = Answer<'/api/whoami', 'get'>

/** `GET /api/whoami`: who the server takes the caller for (a 401 asks for a token, as any call). */
export function whoAmI(signal?: AbortSignal): Promise<Identity> {
  return api.get('/api/whoami', { signal })
}

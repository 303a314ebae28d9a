// An incremental parser of the text/event-stream format (the parts Tix
// uses: event, data, id, retry; comments ignored). The UI reads the event
// stream with fetch rather than EventSource so it can send a bearer token.

export interface SseMessage {
  event: string
  data: string
  /** The stream's last event id after this message (`id:` lines persist). */
  id: string | null
  retry: number | null
}

export class SseParser {
  private buffer = ''
  private event = ''
  private data: string[] = []
  private retry: number | null = null
  lastEventId: string | null = null

  /** Feeds a chunk of text; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk
    const out: SseMessage[] = []
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer)
      if (!match) break
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break
      const line = this.buffer.slice(0, match.index)
      this.buffer = this.buffer.slice(match.index + match[0].length)
      const message = this.line(line)
      if (message) out.push(message)
    }
    return out
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (this.data.length === 0 && !this.event) {
        this.retry = null
        return null
      }
      const message: SseMessage = {
        event: this.event || 'message',
        data: this.data.join('\n'),
        id: this.lastEventId,
        retry: this.retry,
      }
      this.event = ''
      this.data = []
      this.retry = null
      return message
    }
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.event = value
    else if (field === 'data') this.data.push(value)
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value)
    return null
  }
}

/** Waits before reconnect attempt `attempt` (0-based): the server's retry, doubling up to 15 s. */
export function reconnectDelay(attempt: number, retry: number | null): number {
  const base = retry ?? 2000
  return Math.min(15_000, base * 2 ** Math.min(attempt, 3))
}

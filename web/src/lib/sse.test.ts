import { describe, expect, it } from 'vitest'

import { reconnectDelay, SseParser } from './sse'

describe('SseParser', () => {
  it('parses the hello and data messages as tix sends them, across chunk boundaries', () => {
    const p = new SseParser()
    const text = 'event: hello\nid: 45\nretry: 2000\ndata: {"last_event_id":45}\n\nid: 46\ndata: {"id":46}\n\n: keep-alive\n\n'
    const out = [...p.push(text.slice(0, 17)), ...p.push(text.slice(17, 60)), ...p.push(text.slice(60))]
    expect(out).toEqual([
      { event: 'hello', data: '{"last_event_id":45}', id: '45', retry: 2000 },
      { event: 'message', data: '{"id":46}', id: '46', retry: null },
    ])
    expect(p.lastEventId).toBe('46')
  })

  it('joins multi-line data, accepts CRLF and keeps the id when a message has none', () => {
    const p = new SseParser()
    expect(p.push('id: 7\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r')).toEqual([{ event: 'message', data: 'a\nb', id: '7', retry: null }])
    expect(p.push('\n\r\n')).toEqual([{ event: 'message', data: 'c', id: '7', retry: null }])
  })
})

describe('reconnectDelay', () => {
  it('starts at the server retry and doubles up to a cap', () => {
    expect(reconnectDelay(0, 2000)).toBe(2000)
    expect(reconnectDelay(1, 2000)).toBe(4000)
    expect(reconnectDelay(9, 2000)).toBe(15000)
    expect(reconnectDelay(0, null)).toBe(2000)
  })
})

import { cleanup, render } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'

import { Markdown } from './Markdown'

afterEach(cleanup)

describe('Markdown', () => {
  it('renders Markdown', () => {
    const { container } = render(<Markdown text={'# Title\n\n**bold** and `code`\n\n- [x] done'} />)
    expect(container.querySelector('h1')?.textContent).toBe('Title')
    expect(container.querySelector('strong')?.textContent).toBe('bold')
    expect(container.querySelector('input[type=checkbox]')).not.toBeNull()
  })

  it('shows raw HTML as text and never creates its elements', () => {
    const evil = 'Hi <script>window.pwned = 1</script>\n\n<img src=x onerror="window.pwned = 2">\n\n<b onclick="x()">b</b>'
    const { container } = render(<Markdown text={evil} />)
    expect(container.querySelector('script')).toBeNull()
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('b')).toBeNull()
    expect(container.querySelector('[onerror], [onclick]')).toBeNull()
    expect(container.textContent).toContain('<script>window.pwned = 1</script>')
    expect(container.textContent).toContain('<img src=x onerror="window.pwned = 2">')
  })

  it('drops javascript: links and opens others in a new tab', () => {
    const { container } = render(<Markdown text={'[bad](javascript:alert(1)) [good](https://example.org)'} />)
    const links = [...container.querySelectorAll('a')]
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['', 'https://example.org'])
    expect(links[1].getAttribute('rel')).toContain('noopener')
  })
})

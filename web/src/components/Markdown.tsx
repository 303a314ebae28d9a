// Markdown rendered safely: raw HTML in the text is shown as text (never
// parsed into elements), links get safe URLs and open in a new tab.

import ReactMarkdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'

interface MdNode {
  type: string
  value?: string
  children?: MdNode[]
}

/** A remark plugin that turns raw HTML nodes into plain text nodes. */
export function htmlAsText() {
  return (tree: MdNode) => {
    const walk = (node: MdNode) => {
      if (node.type === 'html') node.type = 'text'
      node.children?.forEach(walk)
    }
    walk(tree)
  }
}

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
  img: ({ alt }) => <span className="md-image">[image{alt ? `: ${alt}` : ''}]</span>,
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  if (!text.trim()) return <p className="muted">No description.</p>
  return (
    <div className={`markdown ${className ?? ''}`}>
      <ReactMarkdown remarkPlugins={[remarkGfm, htmlAsText]} skipHtml={false} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  )
}

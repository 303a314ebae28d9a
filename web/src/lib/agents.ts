// Agents at a glance: initials from the part of the id that tells agents
// apart (`agent-phase2-a` → `P2A`, not `AG`), and a stable colour per id.

/** Words that name what an id is rather than which one it is. */
const GENERIC = new Set(['agent', 'agents', 'bot', 'ai', 'llm', 'worker', 'tix'])

export function agentInitials(id: string): string {
  const tokens = id
    .split(/[-_.:/@\s]+/)
    .filter(Boolean)
    .filter((t) => !GENERIC.has(t.toLowerCase()))
  if (tokens.length === 0) return (id.replace(/[^a-z0-9]/gi, '').slice(0, 2) || '?').toUpperCase()
  if (tokens.length === 1) {
    const [word] = tokens
    const digits = /\d+$/.exec(word)?.[0] ?? ''
    const letters = word.slice(0, word.length - digits.length)
    if (digits && letters) return (letters[0] + digits).slice(0, 3).toUpperCase()
    return word.slice(0, 2).toUpperCase()
  }
  const parts = tokens.map((t) => {
    const digits = /\d+$/.exec(t)?.[0] ?? ''
    return t.length > digits.length ? t[0] + digits : digits
  })
  return parts.join('').slice(0, 3).toUpperCase()
}

/** FNV-1a, for a stable hue per agent. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A background colour for the agent's avatar (white text stays readable on it). */
export function agentColour(id: string): string {
  const h = hash(id)
  const hue = h % 360
  const lightness = 36 + ((h >>> 9) % 3) * 4
  return `hsl(${hue} 62% ${lightness}%)`
}

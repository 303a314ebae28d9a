// Search: reading `GET /api/search` answers, and the keyword-only fallback
// over the loaded tickets for servers without a search endpoint.

import type { SearchResponse, Ticket } from '../api/types'
import { matchesText } from './filters'

export type SearchMode = 'hybrid' | 'semantic' | 'keyword'

export interface SearchHit {
  ticket: Ticket
  /** 0..1 when the server says so. */
  score: number | null
  keywordScore: number | null
  semanticScore: number | null
  matchedIn: string[]
  /** The server calls it a likely duplicate of the query (cosine ≥ 0.92). */
  likelyDuplicate: boolean
}

export interface SearchAnswer {
  hits: SearchHit[]
  /** False when the server could only do keyword search. */
  semanticAvailable: boolean
  /** The mode the server actually used, if it says. */
  mode: SearchMode | null
}

/** A `GET /api/search` answer (typed from the contract) as the view shows it. */
export function readSearchAnswer(body: SearchResponse): SearchAnswer {
  return {
    hits: body.results.map((hit) => {
      const { bm25, cosine, keyword_score, matched_in, score, semantic_score, ...rest } = hit
      void bm25
      void cosine
      // `likely_duplicate` is newer than some servers' documents.
      const { likely_duplicate, ...ticket } = rest as typeof rest & { likely_duplicate?: boolean }
      return {
        ticket,
        score,
        keywordScore: keyword_score,
        semanticScore: semantic_score ?? null,
        matchedIn: matched_in,
        likelyDuplicate: likely_duplicate === true,
      }
    }),
    semanticAvailable: body.semantic_available,
    mode: body.search_type,
  }
}

/**
 * Keyword-only search over loaded tickets: every word must match; title
 * matches rank above description, tag and comment matches.
 */
export function keywordSearch(tickets: Ticket[], text: string, limit = 50): SearchHit[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return []
  const hits: SearchHit[] = []
  for (const ticket of tickets) {
    if (!matchesText(ticket, text)) continue
    const title = ticket.title.toLowerCase()
    const description = ticket.description.toLowerCase()
    const tags = ticket.tags.map((t) => t.toLowerCase())
    const matchedIn = new Set<string>()
    let score = 0
    for (const word of words) {
      if (ticket.id.toLowerCase().includes(word)) {
        matchedIn.add('id')
        score += 4
      }
      if (title.includes(word)) {
        matchedIn.add('title')
        score += 3
      }
      if (tags.some((t) => t.includes(word))) {
        matchedIn.add('tags')
        score += 2
      }
      if (description.includes(word)) {
        matchedIn.add('description')
        score += 1
      }
    }
    hits.push({ ticket, score, keywordScore: score, semanticScore: null, matchedIn: [...matchedIn], likelyDuplicate: false })
  }
  hits.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.ticket.id.localeCompare(b.ticket.id))
  const top = hits.slice(0, limit)
  const best = top[0]?.score ?? 1
  return top.map((h) => ({ ...h, score: (h.score ?? 0) / best, keywordScore: (h.score ?? 0) / best }))
}

import { describe, expect, it } from 'vitest'

import type { SearchResponse } from '../api/types'
import { ticket } from '../test/fixtures'
import { keywordSearch, readSearchAnswer } from './search'

describe('readSearchAnswer', () => {
  it('splits each hit into its ticket and its scores', () => {
    const t = ticket({ title: 'Login crash' })
    const answer = readSearchAnswer({
      query: 'login',
      workflow_id: 'wf-1',
      results: [
        { ...t, score: 0.91, keyword_score: 0.5, semantic_score: 1, bm25: 2.1, cosine: 0.95, likely_duplicate: true, matched_in: ['keyword', 'semantic'] } as SearchResponse['results'][number],
      ],
      search_type: 'hybrid',
      semantic_available: true,
      weights: { keyword: 0.3, semantic: 0.7 },
    })
    expect(answer).toEqual({
      hits: [{ ticket: t, score: 0.91, keywordScore: 0.5, semanticScore: 1, matchedIn: ['keyword', 'semantic'], likelyDuplicate: true }],
      semanticAvailable: true,
      mode: 'hybrid',
    })
  })
})

describe('keywordSearch', () => {
  const login = ticket({ title: 'Login page crashes', description: 'on submit' })
  const docs = ticket({ title: 'Docs', description: 'explain the login flow' })
  const tagged = ticket({ title: 'Sessions', tags: ['login'] })
  const other = ticket({ title: 'Workers' })

  it('ranks title matches above tags and description', () => {
    const hits = keywordSearch([docs, other, tagged, login], 'login')
    expect(hits.map((h) => h.ticket.id)).toEqual([login.id, tagged.id, docs.id])
    expect(hits[0].score).toBe(1)
    expect(hits[0].matchedIn).toEqual(['title'])
    expect(hits[2].matchedIn).toEqual(['description'])
  })

  it('needs every word, finds ids, and returns nothing for an empty query', () => {
    expect(keywordSearch([login, docs], 'login submit').map((h) => h.ticket.id)).toEqual([login.id])
    expect(keywordSearch([login, docs], docs.id.slice(7))[0].ticket.id).toBe(docs.id)
    expect(keywordSearch([login], '   ')).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'

import { indent, progressLabel, progressShare } from './hierarchy'

describe('hierarchy', () => {
  it('says how far the children are', () => {
    expect(progressLabel({ resolved: 2, total: 5 })).toBe('2/5 resolved')
    expect(progressLabel({ resolved: 0, total: 0 })).toBeNull()
    expect(progressLabel(undefined)).toBeNull()
    expect(progressShare({ resolved: 1, total: 4 })).toBe(0.25)
    expect(progressShare(undefined)).toBe(0)
  })

  it('indents deeper descendants', () => {
    expect(indent({ depth: 1 })).toBe(0)
    expect(indent({ depth: 3 })).toBe(2.5)
  })
})

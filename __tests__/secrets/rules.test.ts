import { describe, expect, it } from 'vitest'
import { libraryRuleIds } from '../../src/secrets/library.js'
import { SECRET_RULES } from '../../src/secrets/rules.js'
import { positives } from './fixtures.js'

describe('the extra rules', () => {
  it('tests every extra rule', () => {
    const tested = new Set(positives.map(([rule]) => rule))
    for (const rule of SECRET_RULES) {
      if (rule.id === 'anthropic-oauth-refresh-token') continue // the access token's shape
      expect(tested).toContain(rule.id)
    }
  })

  it('keeps rule ids unique', () => {
    const ids = [...SECRET_RULES.map((rule) => rule.id), ...libraryRuleIds()]
    expect(new Set(ids).size).toBe(ids.length)
  })
})

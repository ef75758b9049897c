import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { libraryMatches, libraryRuleGates, libraryRuleIds } from '../../src/secrets/library.js'
import { T } from './fixtures.js'

describe('the library host', () => {
  it('runs the library rules under secretlint-<name> ids, filter-comments left out', () => {
    const ids = libraryRuleIds()
    expect(ids).not.toContain('secretlint-filter-comments')
    expect(ids).toEqual(expect.arrayContaining(['secretlint-aws', 'secretlint-github']))
  })

  it('checks for a run of 16 token characters in linear time, with the same answers', () => {
    // `libraryMatches` with `runs` uses the linear first check, without it the original one.
    const all = (): boolean => true
    const runs = fc.array(
      fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_+/=.~-]{1,20}$/),
        fc.constantFrom(
          ' ',
          '\n',
          ':',
          '://',
          '-----BEGIN',
          T.ghp,
          T.awsId,
          'aws_account_id = 1234-5678-9012',
        ),
      ),
      { maxLength: 12 },
    )
    fc.assert(
      fc.property(runs, (parts) => {
        const t = parts.join('')
        expect(libraryMatches(t, false, all)).toEqual(libraryMatches(t))
      }),
      { numRuns: 400 },
    )
  })

  it('names a trigger or JSON-only for every library rule', () => {
    for (const gate of libraryRuleGates()) {
      expect(gate.triggers !== null || gate.jsonOnly, gate.rule).toBe(true)
    }
  })
})

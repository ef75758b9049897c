import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { redactedForm } from '../../src/secrets/redacted-form.js'
import { T } from './fixtures.js'

describe('redactedForm', () => {
  it.each([
    [T.awsId, 'AKIA…(20)'],
    [T.ghp, 'ghp_…(40)'],
    [T.anthropic, 'sk-a…(108)'],
    [T.slackBot, `xoxb…(${T.slackBot.length})`],
    [T.jwt, `eyJ…(${T.jwt.length})`],
    [T.hf, 'hf_…(37)'],
    ['ghp_short', '…(9)'],
    [T.generic, '…(32)'],
    ['hunter2', '…(7)'],
    ['', '…(0)'],
  ])('labels %j as %j', (value, label) => {
    expect(redactedForm(value)).toBe(label)
  })

  it('never shows more than a 4-character prefix of the value', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const match = /^(.{0,4})…\((\d+)\)$/su.exec(redactedForm(value))
        expect(match).not.toBeNull()
        expect(value.startsWith(match![1]!)).toBe(true)
        expect(Number(match![2])).toBe(value.length)
      }),
    )
  })
})

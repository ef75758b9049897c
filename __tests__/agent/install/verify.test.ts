import { describe, expect, it } from 'vitest'
import { reportsVersion } from '../../../src/agent/install/verify.js'

describe('reportsVersion', () => {
  it.each([
    ['2.1.197 (Claude Code)\n', '2.1.197', true],
    ['  2.1.197\n', '2.1.197', true],
    ['2.1.197 (Claude Code)', '2.1.19', false],
    ['2.1.1970 (Claude Code)', '2.1.197', false],
    ['2.1.196 (Claude Code)', '2.1.197', false],
    ['', '2.1.197', false],
  ])('%j reports %s: %s', (output, version, expected) => {
    expect(reportsVersion(output, version)).toBe(expected)
  })
})

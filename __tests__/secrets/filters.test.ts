import { describe, expect, it } from 'vitest'
import { shannonEntropy } from '../../src/secrets/filters.js'

describe('shannonEntropy', () => {
  it.each([
    ['', 0],
    ['aaaa', 0],
    ['ab', 1],
    ['abcd', 2],
    ['0123456789abcdef', 4],
  ])('of %j is %d', (text, bits) => {
    expect(shannonEntropy(text)).toBeCloseTo(bits)
  })
})

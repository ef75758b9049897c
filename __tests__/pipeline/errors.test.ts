import { describe, expect, it } from 'vitest'
import { errorMessage, Refusal } from '../../src/pipeline/errors.js'

describe('errorMessage', () => {
  it.each<[string, unknown, string]>([
    ['an Error’s message', new Error('disk full'), 'disk full'],
    [
      'a refusal’s sentence',
      new Refusal('This runner is not isolated.'),
      'This runner is not isolated.',
    ],
    ['anything else as text', 42, '42'],
    ['a thrown string as is', 'plain', 'plain'],
  ])('gives %s', (_name, error, message) => {
    expect(errorMessage(error)).toBe(message)
  })
})

describe('Refusal', () => {
  it('is an Error named Refusal', () => {
    const refusal = new Refusal('x')
    expect(refusal).toBeInstanceOf(Error)
    expect(refusal.name).toBe('Refusal')
  })
})

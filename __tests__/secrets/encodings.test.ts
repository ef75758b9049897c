import { describe, expect, it } from 'vitest'
import { encodedForms, MIN_REDACT_LENGTH } from '../../src/secrets/encodings.js'

describe('encodedForms', () => {
  const value = ' pass/word 1? '
  const trimmed = value.trim()

  it('labels each form by the first encoding that gives it', () => {
    const forms = encodedForms(value)
    expect(forms.get(value)).toBe('raw')
    expect(forms.get(trimmed)).toBe('raw')
    expect(forms.get('pass%2Fword%201%3F')).toBe('url-encoded')
    expect(forms.get('pass%2fword%201%3f')).toBe('url-encoded')
    expect(forms.get('pass%2Fword+1%3F')).toBe('url-encoded')
    expect(forms.get(Buffer.from(trimmed).toString('base64'))).toBe('base64')
    expect(forms.get(Buffer.from(trimmed).toString('base64url'))).toBe('base64url')
    // JSON escaping changes nothing here: the form is the raw one, labelled so.
    expect(forms.get(JSON.stringify(trimmed).slice(1, -1))).toBe('raw')
  })

  it('holds the JSON-escaped form of a value that escaping changes', () => {
    expect(encodedForms('say "hi" now').get('say \\"hi\\" now')).toBe('json-escaped')
  })

  it(`leaves out forms shorter than minLength (${MIN_REDACT_LENGTH} unless given)`, () => {
    expect([...encodedForms('abcde').keys()].every((f) => f.length >= MIN_REDACT_LENGTH)).toBe(true)
    expect(encodedForms('abcde').has('abcde')).toBe(false)
    expect(encodedForms('abcde', 4).get('abcde')).toBe('raw')
    expect([...encodedForms(value, 12).keys()].every((f) => f.length >= 12)).toBe(true)
  })
})

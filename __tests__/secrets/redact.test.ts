import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { encodedForms, MIN_REDACT_LENGTH } from '../../src/secrets/encodings.js'
import { REDACTED, Redactor } from '../../src/secrets/redact.js'
import { ALNUM, base64Leaks, outsideMarkers, rnd, T } from './fixtures.js'

describe('Redactor', () => {
  const value = 'pa$$w0rd "quoted" & more/+='

  const forms: [form: string, text: string][] = [
    ['raw', `echo ${value}`],
    ['trimmed', `x=${value.trim()}`],
    ['URL-encoded', `?q=${encodeURIComponent(value)}&x=1`],
    ['JSON-escaped', JSON.stringify({ value })],
    ['base64', Buffer.from(value).toString('base64')],
    ['base64url', Buffer.from(value).toString('base64url')],
    ['base64 after 1 byte', Buffer.from('x' + value + 'tail').toString('base64')],
    ['base64 after 2 bytes', Buffer.from('xy' + value + 'tail').toString('base64')],
    ['base64 after 3 bytes', Buffer.from('xyz' + value + 'tail').toString('base64')],
    ['base64url after 1 byte', Buffer.from('x' + value + 'tail!').toString('base64url')],
  ]

  it.each(forms)('removes the %s form', (_form, text) => {
    const redacted = new Redactor([` ${value}\n`]).redact(text)
    expect(redacted).toContain(REDACTED)
    expect(outsideMarkers(redacted)).not.toContain(value)
    expect(outsideMarkers(redacted)).not.toContain(encodeURIComponent(value))
    expect(base64Leaks(outsideMarkers(redacted), value)).toBe(false)
  })

  it('labels rule matches with their rule and keeps the surrounding text', () => {
    const redactor = new Redactor()
    expect(redactor.redact(`api_key = "${T.generic}" and ${T.ghp}.`)).toBe(
      'api_key = "[REDACTED:generic-api-key]" and [REDACTED:secretlint-github].',
    )
  })

  it('treats values literally, regex metacharacters included', () => {
    const redactor = new Redactor(['a.b*c+d?(e)[f]{2}|^$\\'])
    expect(redactor.redact('x a.b*c+d?(e)[f]{2}|^$\\ y aXbbbc')).toBe('x [REDACTED] y aXbbbc')
  })

  it(`ignores values shorter than ${MIN_REDACT_LENGTH} characters`, () => {
    const redactor = new Redactor(['abc12', 'true'])
    expect(redactor.redact('abc12 is true')).toBe('abc12 is true')
  })

  it('redacts overlapping values as one span', () => {
    const redactor = new Redactor(['abcdefgh', 'efghijkl'])
    expect(redactor.redact('xx abcdefghijkl yy')).toBe('xx [REDACTED] yy')
  })

  it('swallows a marker a value overlaps instead of cutting it', () => {
    const redactor = new Redactor(['D]secret123'])
    expect(redactor.redact('[REDACTED]secret123 and [REDACTE' + 'D]secret123')).toBe(
      '[REDACTED] and [REDACTED]',
    )
  })

  it('catches a token whose boundary appears only once a neighbour is redacted', () => {
    const neighbour = 'qwertyuiop'
    const text = `${T.awsId}${neighbour}`
    const redacted = new Redactor([neighbour]).redact(text)
    expect(redacted).toBe('[REDACTED:secretlint-aws][REDACTED]')
  })

  it('redacts with so many values that their forms do not fit one quick pre-check regex', () => {
    const values = Array.from({ length: 450 }, (_, i) => `${i}-${rnd(ALNUM, 24)}`)
    // More forms than the 2,000 the pre-check takes: the automaton runs on every text.
    expect(new Set(values.flatMap((v) => [...encodedForms(v).keys()])).size).toBeGreaterThan(2000)
    const redactor = new Redactor(values)
    const text = `a ${values[449]} b ${Buffer.from(values[7]!).toString('base64')} c`
    const redacted = redactor.redact(text)
    expect(redacted).toBe(`a ${REDACTED} b ${REDACTED} c`)
  })

  it('handles many values in one pass over a long text', () => {
    const values = Array.from({ length: 300 }, () => rnd(ALNUM, 24))
    const redactor = new Redactor(values)
    const text = values.map((v, i) => `line ${i}: ${v}\n${'filler text '.repeat(300)}`).join('\n')
    const big = text.repeat(Math.ceil(5_000_000 / text.length))
    const started = performance.now()
    const redacted = redactor.redact(big)
    expect(performance.now() - started).toBeLessThan(5000)
    for (const v of values) expect(redacted).not.toContain(v)
  })

  it('redacts exactly the union of all occurrences of many overlapping values (property)', () => {
    // Over the alphabet {a, b} no encoded form differs from the raw one or can occur, and no rule
    // fires: the expected output is every occurrence of every value, overlapping ones merged.
    const ab = (minLength: number, maxLength: number) =>
      fc.string({ unit: fc.constantFrom('a', 'b'), minLength, maxLength })
    // The text is built from the values themselves and short fillers, so occurrences overlap.
    const valuesAndText = fc
      .array(ab(MIN_REDACT_LENGTH, 9), { minLength: 1, maxLength: 6 })
      .chain((values) =>
        fc.tuple(
          fc.constant(values),
          fc
            .array(fc.oneof(fc.constantFrom(...values), ab(0, 4)), { maxLength: 12 })
            .map((parts) => parts.join('')),
        ),
      )
    fc.assert(
      fc.property(valuesAndText, ([values, text]) => {
        const spans: [number, number][] = []
        for (const v of values) {
          for (let at = text.indexOf(v); at !== -1; at = text.indexOf(v, at + 1)) {
            spans.push([at, at + v.length])
          }
        }
        spans.sort((x, y) => x[0] - y[0])
        const merged: [number, number][] = []
        for (const [start, end] of spans) {
          const last = merged.at(-1)
          if (last !== undefined && start < last[1]) last[1] = Math.max(last[1], end)
          else merged.push([start, end])
        }
        let expected = ''
        let copied = 0
        for (const [start, end] of merged) {
          expected += text.slice(copied, start) + REDACTED
          copied = end
        }
        expected += text.slice(copied)
        expect(new Redactor(values).redact(text)).toBe(expected)
      }),
      { numRuns: 500 },
    )
  })

  it('never leaves an added value outside a marker (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: MIN_REDACT_LENGTH }).filter((v) => !v.includes('\u0000')),
        fc.string(),
        fc.string(),
        (secret, prefix, suffix) => {
          const redacted = new Redactor([secret]).redact(prefix + secret + suffix)
          expect(outsideMarkers(redacted)).not.toContain(secret)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never leaves an added value decodable from base64 output (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: MIN_REDACT_LENGTH, unit: 'binary' }),
        fc.uint8Array({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 8 }),
        (secret, before, after) => {
          const blob = Buffer.concat([before, Buffer.from(secret), after]).toString('base64')
          const redacted = new Redactor([secret]).redact(`data: ${blob}`)
          expect(base64Leaks(outsideMarkers(redacted), secret)).toBe(false)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('is idempotent (property)', () => {
    const fragment = fc.oneof(
      fc.string(),
      fc.constantFrom(
        REDACTED,
        '[REDACTED:github-pat]',
        '[REDACTE',
        'D]',
        T.ghp,
        T.awsId,
        T.jwt,
        'api_key = ',
        'https://u:',
        '@host/',
        ' ',
        '\n',
      ),
    )
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: MIN_REDACT_LENGTH }), { maxLength: 4 }),
        fc.array(fragment, { maxLength: 12 }),
        (values, parts) => {
          const redactor = new Redactor(values)
          const once = redactor.redact(parts.join(''))
          expect(redactor.redact(once)).toBe(once)
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('Redactor options', () => {
  it('registers values down to minLength, in every form, and still ignores shorter ones', () => {
    const redactor = new Redactor(['abcd', 'abc'], { minLength: 4 })
    expect(redactor.redact('x abcd y abc')).toBe(`x ${REDACTED} y abc`)
    expect(redactor.redact(`b64 ${Buffer.from('abcd').toString('base64')}`)).toBe(`b64 ${REDACTED}`)
    expect(new Redactor(['abcd']).redact('x abcd y')).toBe('x abcd y')
  })

  it('replaces the first capture group of every pattern match, value added or not', () => {
    const redactor = new Redactor([], { patterns: [/\bhttps?:\/\/([^/@\s?#]+)@/i] })
    expect(redactor.redact('clone https://tok@host/x, HTTPS://a:b@h/ and https://h/y')).toBe(
      `clone https://${REDACTED}@host/x, HTTPS://${REDACTED}@h/ and https://h/y`,
    )
  })

  it('replaces the whole match of a pattern without a capture group', () => {
    const redactor = new Redactor([], { patterns: [/bearer \S+/] })
    expect(redactor.redact('Authorization: bearer abc.def x')).toBe(`Authorization: ${REDACTED} x`)
  })

  it('is idempotent with patterns (property)', () => {
    const patterns = [
      /\bhttps?:\/\/([^/@\s?#]+)@/i,
      /\b(?:basic|bearer)\s+([A-Za-z0-9+/=._~-]{8,})/i,
    ]
    const fragment = fc.oneof(
      fc.string(),
      fc.constantFrom(REDACTED, '[REDACTED:url-password]', 'https://', 'u:p', '@', 'basic ', T.ghp),
    )
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }), (parts) => {
        const redactor = new Redactor([], { minLength: 4, patterns })
        const once = redactor.redact(parts.join(''))
        expect(redactor.redact(once)).toBe(once)
      }),
      { numRuns: 300 },
    )
  })
})

import { describe, expect, it } from 'vitest'
import { Redactor } from '../../src/secrets/redact.js'
import { MIN_SCAN_LENGTH, secretScanner } from '../../src/secrets/scan.js'
import { ALNUM, base64Leaks, HEXL, outsideMarkers, rnd, T } from './fixtures.js'

describe('secretScanner', () => {
  // A stripped value with characters that every encoding changes: `/`, `+`, `=`, space, `&`, `é`.
  const value = `p/ss+w=rd &é-${rnd(ALNUM, 12)}`
  const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64')
  const b64url = (text: string | Buffer): string => Buffer.from(text).toString('base64url')
  const lowerHex = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())
  const embedded = (offset: number): Buffer =>
    Buffer.concat([Buffer.from('xyz'.slice(0, offset)), Buffer.from(value), Buffer.from('!tail')])

  // A base64url form without `-` or `_` is also the base64 form: either label is right.
  const base64ish = expect.stringMatching(/^stripped-value-base64(?:url)?$/) as unknown as string
  const forms: [form: string, text: string, rule: string][] = [
    ['raw', `const p = "${value}"`, 'stripped-value'],
    ['base64, padded', `data: ${b64(value)}`, 'stripped-value-base64'],
    ['base64, no padding', `data: ${b64(value).replace(/=+$/, '')}`, 'stripped-value-base64'],
    ['base64url', `token=${b64url(value)}`, base64ish],
    ['base64 inside a longer text at offset 0', b64(embedded(0)), 'stripped-value-base64'],
    ['base64 inside a longer text at offset 1', b64(embedded(1)), 'stripped-value-base64'],
    ['base64 inside a longer text at offset 2', b64(embedded(2)), 'stripped-value-base64'],
    ['base64url inside a longer text at offset 1', b64url(embedded(1)), base64ish],
    [
      'percent-encoded, upper-case hex',
      `?q=${encodeURIComponent(value)}`,
      'stripped-value-url-encoded',
    ],
    [
      'percent-encoded, lower-case hex',
      `?q=${lowerHex(encodeURIComponent(value))}`,
      'stripped-value-url-encoded',
    ],
    [
      'form-encoded (space as +)',
      `body=${new URLSearchParams({ v: value }).toString().slice(2)}`,
      'stripped-value-url-encoded',
    ],
    ['encodeURI', `https://h/${encodeURI(value)}`, 'stripped-value-url-encoded'],
    ['JSON-escaped', JSON.stringify({ v: `${value}"` }), 'stripped-value'],
  ]

  it.each(forms)('finds the %s form and never repeats the value', (_form, text, rule) => {
    const scan = secretScanner([value])
    const found = scan('src/a.ts', `line one\n${text}\n`, 10)
    expect(found).toContainEqual(
      expect.objectContaining({ kind: 'secret', path: 'src/a.ts', line: 11, rule }),
    )
    for (const violation of found) {
      if (violation.rule.startsWith('stripped-value')) {
        expect(violation.detail).toContain(`…(${value.length})`)
      }
      expect(JSON.stringify(violation)).not.toContain(value)
      expect(JSON.stringify(violation)).not.toContain(encodeURIComponent(value))
    }
  })

  it.each(forms)('redacts the %s form', (_form, text) => {
    const redacted = new Redactor([value]).redact(text)
    expect(outsideMarkers(redacted)).not.toContain(value)
    expect(outsideMarkers(redacted).toLowerCase()).not.toContain(
      encodeURIComponent(value).toLowerCase(),
    )
    expect(base64Leaks(outsideMarkers(redacted), value)).toBe(false)
  })

  it('finds the encoded forms of the action tokens too', () => {
    const token = 'ghs_' + rnd(ALNUM, 36)
    const scan = secretScanner([token])
    const header = b64(`x-access-token:${token}`)
    expect(scan('ci.yml', `AUTHORIZATION: basic ${header}`, 1).map((v) => v.rule)).toEqual([
      'stripped-value-base64',
    ])
  })

  it('reports library findings with a redacted form, never the value', () => {
    const [finding] = secretScanner([])('config.ini', `\n\naws_key = ${T.awsId}\n`, 5)
    expect(finding).toEqual({
      kind: 'secret',
      path: 'config.ini',
      line: 7,
      rule: 'secretlint-aws',
      detail: 'a value matching secretlint-aws was added (AKIA…(20))',
    })
  })

  it(`ignores known values shorter than ${MIN_SCAN_LENGTH} characters`, () => {
    expect(secretScanner(['abc1234'])('a', 'abc1234 ' + b64('abc1234'), 1)).toEqual([])
  })

  it('finds GCP service-account keys in JSON files only', () => {
    const key = JSON.stringify({
      type: 'service_account',
      private_key_id: rnd(HEXL, 40),
      private_key: T.privateKey.replace(/\n/g, '\\n'),
      client_email: 'x@p.iam.gserviceaccount.com',
    })
    const rules = secretScanner([])('sa.json', key, 1).map((v) => v.rule)
    expect(rules).toContain('secretlint-gcp')
  })
})

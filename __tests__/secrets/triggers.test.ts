import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { findSecrets, findSecretsUngated } from '../../src/secrets/detect.js'
import { libraryRuleGates } from '../../src/secrets/library.js'
import { SECRET_RULES } from '../../src/secrets/rules.js'
import { ALNUM, HEXL, positives, rnd, T } from './fixtures.js'

describe('trigger literals (rules skipped where their literals are absent)', () => {
  const gcpKey = JSON.stringify({
    type: 'service_account',
    private_key_id: rnd(HEXL, 40),
    private_key: T.privateKey.replace(/\n/g, '\\n'),
    client_email: 'x@p.iam.gserviceaccount.com',
  })
  const secrets = Object.values(T)
  /** Every literal some rule is gated on, so that texts hold triggers without matches too. */
  const triggers = [
    ...libraryRuleGates().flatMap((gate) => gate.triggers ?? []),
    ...SECRET_RULES.flatMap((rule) => [...(rule.triggers ?? []), ...(rule.caselessTriggers ?? [])]),
  ]
  const contexts = [
    'aws_secret_access_key = ',
    'AWS_SECRET_ACCESS_KEY=',
    'Aws_Secret_Access_Key: "',
    'aws_account_id = 1234-5678-9012',
    'AWS_ACCOUNT_ID: 123456789012',
    'api_key = "',
    'API_KEY=',
    'ApiKey: ',
    'PASSWORD: ',
    'client_secret": "',
    'token=',
    'https://user:',
    'https://x-access-token:',
    '@example.com/',
    '@github.com/o/r',
    ':x-oauth-basic@github.com/',
    'postgres://app:',
    'mongodb+srv://u:',
    'mysql://root:',
    'redis://default:',
    '-----BEGIN RSA PRIVATE KEY-----\n',
    '\n-----END RSA PRIVATE KEY-----',
    '_authToken=',
    '// secretlint-disable\n',
    '${{ secrets.TOKEN }}',
    'import { key } from "../k"',
    // toLowerCase() turns the Kelvin sign into `k` and `İ` into `i̇`: the old keyword check saw
    // `key` and `api` where no regex can match.
    '\u212Aey=',
    'AP\u0130 = ',
    'é',
    '\u2028',
  ]
  const separators = [' ', '\n', '\r\n', '\r', '"', "'", '=', ':', '\t', '', ',', ';', '\\n']
  const fragment = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...secrets) },
    { weight: 2, arbitrary: fc.constantFrom(...triggers) },
    { weight: 3, arbitrary: fc.constantFrom(...contexts) },
    { weight: 3, arbitrary: fc.constantFrom(...separators) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_+/=.~-]{1,40}$/) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  )
  const text = fc.oneof(
    { weight: 9, arbitrary: fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: fc.constant(gcpKey) },
  )

  it('finds exactly what running every rule finds (property)', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (t, json) => {
        expect(findSecrets(t, json)).toEqual(findSecretsUngated(t, json))
      }),
      { numRuns: 600 },
    )
  })

  const cases: [what: string, text: string, json: boolean][] = [
    ...secrets.map((secret): [string, string, boolean] => [
      `fixture ${secret.slice(0, 4)}`,
      secret,
      false,
    ]),
    ...contexts.map((context): [string, string, boolean] => [
      `context ${JSON.stringify(context)}`,
      `${context}${T.generic}`,
      false,
    ]),
    ['a GCP key in a JSON file', gcpKey, true],
    ['a GCP key outside a JSON file', gcpKey, false],
    [
      'the AWS secret key rule spelled with mixed case',
      `Aws_Secret_Access_Key: "${T.awsSecret}"`,
      false,
    ],
    [
      'an AWS account id next to a token run',
      'aws_account_id = 1234-5678-9012 ' + rnd(ALNUM, 20),
      false,
    ],
    ['an AWS account id alone (the library skips it)', 'aws_account_id = 1234-5678-9012', false],
    ['generic keywords in upper case', `PASSWORD: ${T.password}\nAPI_TOKEN=${T.generic}`, false],
    ['the Kelvin sign before ey', `\u212Aey=${T.generic}`, false],
    ['a Slack webhook in upper case', T.slackWebhook.toUpperCase(), false],
    ['a PostgreSQL URL in upper case', `POSTGRES://app:${T.password}@db.internal:5432/app`, false],
    ['a secret behind a CRLF', `a=1\r\n${T.ghp}\r\n`, false],
  ]

  it.each(cases)('finds the same as every rule in %s', (_what, t, json) => {
    expect(findSecrets(t, json)).toEqual(findSecretsUngated(t, json))
  })

  it('still finds what the positives need (the gate is not vacuous)', () => {
    expect(findSecrets(`AWS_SECRET_ACCESS_KEY=${T.awsSecret}`).map((f) => f.rule)).toEqual([
      'secretlint-aws',
    ])
    expect(findSecrets(gcpKey, true).map((f) => f.rule)).toContain('secretlint-gcp')
  })

  it('gates every rule on literals that each of its positives holds', () => {
    const gates = new Map(libraryRuleGates().map((gate) => [gate.rule, gate.triggers]))
    for (const rule of SECRET_RULES) {
      const literals = rule.triggers ?? rule.caselessTriggers
      gates.set(rule.id, literals === undefined ? null : literals)
    }
    const caseless = new Set(SECRET_RULES.filter((r) => r.caselessTriggers).map((r) => r.id))
    for (const [rule, text] of positives) {
      const literals = gates.get(rule)
      if (literals === null || literals === undefined) continue
      const holds = caseless.has(rule)
        ? literals.some((l) => text.toLowerCase().includes(l.toLowerCase()))
        : literals.some((l) => text.includes(l))
      expect(holds, `${rule} in ${JSON.stringify(text)}`).toBe(true)
    }
  })
})

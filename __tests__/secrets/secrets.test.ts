import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  HIGH_ENTROPY_RULE_ID,
  MIN_REDACT_LENGTH,
  MIN_SCAN_LENGTH,
  REDACTED,
  Redactor,
  encodedForms,
  findSecrets,
  findSecretsUngated,
  looksLikeSecret,
  redactedForm,
  secretScanner,
  shannonEntropy,
} from '../../src/secrets/secrets.js'
import { libraryMatches, libraryRuleGates, libraryRuleIds } from '../../src/secrets/library.js'
import { SECRET_RULES } from '../../src/secrets/rules.js'

// Test tokens are generated, never written out, so this file does not trip secret scanners.
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const DIGITS = '0123456789'
const ALNUM = UPPER + LOWER + DIGITS
const B64 = ALNUM + '+/'
const B64URL = ALNUM + '_-'
const HEXL = '0123456789abcdef'

/** Deterministic pseudo-random strings (mulberry32), so failures reproduce. */
function randomChars(seed: number): (alphabet: string, length: number) => string {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return (alphabet, length) => {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet.charAt(Math.floor(next() * alphabet.length))
    return out
  }
}
const rnd = randomChars(20240601)

const base64url = (text: string): string => Buffer.from(text).toString('base64url')

const T = {
  awsId: 'AKIA' + rnd(UPPER + '234567', 16),
  awsSecret: rnd(B64, 40),
  ghp: 'ghp_' + rnd(ALNUM, 36),
  gho: 'gho_' + rnd(ALNUM, 36),
  ghs: 'ghs_' + rnd(ALNUM, 36),
  ghu: 'ghu_' + rnd(ALNUM, 36),
  ghr: 'ghr_' + rnd(ALNUM, 36),
  githubPat: 'github_pat_' + rnd(ALNUM, 22) + '_' + rnd(ALNUM, 59),
  glpat: 'glpat-' + rnd(ALNUM, 20),
  slackBot: 'xoxb-' + rnd(DIGITS, 11) + '-' + rnd(DIGITS, 12) + '-' + rnd(ALNUM, 24),
  slackUser: 'xoxp-' + [11, 12, 12].map((n) => rnd(DIGITS, n)).join('-') + '-' + rnd(HEXL, 32),
  slackApp: 'xapp-1-A' + rnd(UPPER + DIGITS, 10) + '-' + rnd(DIGITS, 13) + '-' + rnd(HEXL, 64),
  slackWebhook:
    'https://hooks.slack.com/services/T' +
    rnd(UPPER + DIGITS, 8) +
    '/B' +
    rnd(UPPER + DIGITS, 10) +
    '/' +
    rnd(ALNUM, 24),
  npm: 'npm_' + rnd(ALNUM, 36),
  pypi: 'pypi-AgEIcHlwaS5vcmc' + rnd(B64URL, 60),
  anthropic: 'sk-ant-api03-' + rnd(B64URL, 93) + 'AA',
  anthropicAdmin: 'sk-ant-admin01-' + rnd(B64URL, 93) + 'AA',
  anthropicOauth: 'sk-ant-oat01-' + rnd(B64URL, 95),
  openai: 'sk-proj-' + rnd(B64URL, 74) + 'T3BlbkFJ' + rnd(B64URL, 74),
  gcp: 'AIza' + rnd(B64URL, 35),
  hf: 'hf_' + rnd(UPPER + LOWER, 34),
  stripe: 'sk_' + 'live_' + rnd(ALNUM, 24),
  jwt:
    base64url('{"alg":"HS256","typ":"JWT"}') +
    '.' +
    base64url('{"sub":"1234567890","name":"Jane Doe","iat":1516239022}') +
    '.' +
    rnd(B64URL, 43),
  // DER starts with a SEQUENCE (0x30 0x82 …), which base64 spells `MII`: the library checks it.
  privateKey:
    '-----BEGIN ' +
    'RSA PRIVATE KEY-----\n' +
    'MIIE' +
    Array.from({ length: 4 }, () => rnd(B64, 64)).join('\n') +
    '\n-----END ' +
    'RSA PRIVATE KEY-----',
  password: rnd(ALNUM, 16),
  generic: rnd(ALNUM, 32),
  azure: rnd(ALNUM, 3) + '8Q~' + rnd(ALNUM + '_~.-', 34),
}

// [rule, text, secret]: the finding's span holds the secret (library rules may report the
// whole assignment or URL around it, never less than the secret).
const positives: [rule: string, text: string, secret: string][] = [
  ['secretlint-aws', `aws_access_key_id = ${T.awsId}`, T.awsId],
  ['secretlint-aws', `AWS_SECRET_ACCESS_KEY=${T.awsSecret}`, T.awsSecret],
  ['secretlint-aws', `aws_secret_access_key: "${T.awsSecret}"`, T.awsSecret],
  ['secretlint-github', `git clone https://${T.ghp}@github.com/o/r`, T.ghp],
  ['secretlint-github', `token ${T.gho}`, T.gho],
  ['secretlint-github', `GITHUB_TOKEN: ${T.ghs}`, T.ghs],
  ['secretlint-github', T.ghu, T.ghu],
  ['secretlint-github', `refresh=${T.ghr}`, T.ghr],
  ['secretlint-github', `GH_TOKEN="${T.githubPat}"`, T.githubPat],
  ['secretlint-gitlab', `CI_JOB=${T.glpat}`, T.glpat],
  ['secretlint-slack', `SLACK=${T.slackBot}`, T.slackBot],
  ['secretlint-slack', T.slackUser, T.slackUser],
  ['secretlint-slack', `app ${T.slackApp}`, T.slackApp],
  ['secretlint-slack', `curl -X POST ${T.slackWebhook}`, T.slackWebhook],
  ['secretlint-npm', `//registry.npmjs.org/:_authToken=${T.npm}\n`, T.npm],
  ['pypi-upload-token', `password = ${T.pypi}`, T.pypi],
  ['secretlint-anthropic', `export ANTHROPIC_API_KEY='${T.anthropic}'`, T.anthropic],
  ['anthropic-admin-api-key', `key: ${T.anthropicAdmin}`, T.anthropicAdmin],
  ['anthropic-oauth-token', `CLAUDE_CODE_OAUTH_TOKEN=${T.anthropicOauth}`, T.anthropicOauth],
  ['secretlint-openai', `OPENAI_API_KEY=${T.openai}`, T.openai],
  ['gcp-api-key', `"${T.gcp}"`, T.gcp],
  ['azure-ad-client-secret', `AZURE_CLIENT_SECRET="${T.azure}"`, T.azure],
  ['secretlint-huggingface', `HF_TOKEN=${T.hf}`, T.hf],
  ['secretlint-stripe', `stripe.key = "${T.stripe}"`, T.stripe],
  ['jwt', `Authorization: Bearer ${T.jwt}\n`, T.jwt],
  ['secretlint-privatekey', `key.pem:\n${T.privateKey}\n`, T.privateKey],
  [
    'secretlint-database-connection-string',
    `DATABASE_URL=postgres://app:${T.password}@db.internal:5432/app`,
    T.password,
  ],
  ['secretlint-basicauth', `https://user:${T.password}@example.com/`, T.password],
  ['url-password', `REDIS_URL=redis://default:${T.password}@cache:6379/0`, T.password],
  ['url-password', `https://user:${T.password}!x@example.com/`, T.password],
  ['generic-api-key', `api_key = "${T.generic}"`, T.generic],
  ['generic-api-key', `{"client_secret": "${T.generic}"}`, T.generic],
  ['generic-api-key', `DB_PASSWORD: ${T.password}\n`, T.password],
]

describe('findSecrets', () => {
  it.each(positives)('finds %s in %j', (rule, text, secret) => {
    const found = findSecrets(text)
    expect(found.map((f) => f.rule)).toEqual([rule])
    const [finding] = found
    expect(text.slice(finding!.start, finding!.end)).toContain(secret)
  })

  it('runs the library rules under secretlint-<name> ids, filter-comments left out', () => {
    const ids = libraryRuleIds()
    expect(ids).not.toContain('secretlint-filter-comments')
    expect(ids).toEqual(expect.arrayContaining(['secretlint-aws', 'secretlint-github']))
  })

  it('tests every extra rule', () => {
    const tested = new Set(positives.map(([rule]) => rule))
    for (const rule of SECRET_RULES) {
      if (rule.id === 'anthropic-oauth-refresh-token') continue // the access token's shape
      expect(tested).toContain(rule.id)
    }
  })

  it('ignores secretlint-disable comments: the agent cannot hide a secret with one', () => {
    const text = `// secretlint-disable\nconst t = '${T.ghp}'\n// secretlint-enable\n`
    expect(findSecrets(text).map((f) => f.rule)).toEqual(['secretlint-github'])
  })

  it('reports the whole key where the library reports a range that misses its tail', () => {
    // secretlint's AWS rule reports the key's length from the start of the variable name.
    const text = `AWS_SECRET_ACCESS_KEY=${T.awsSecret}\n`
    const [finding] = findSecrets(text)
    expect(finding!.end).toBe(text.indexOf(T.awsSecret) + T.awsSecret.length)
    expect(new Redactor().redact(text)).toMatch(/^\[REDACTED(?::[a-z-]+)?\]\n$/)
  })

  const negatives: [what: string, text: string][] = [
    ['a git SHA', 'commit 3f786850e387550fdab836ed7e6dc881de23001b\nAuthor: Jane'],
    ['GITHUB_SHA', 'GITHUB_SHA=3f786850e387550fdab836ed7e6dc881de23001b'],
    ['a UUID', 'request id: 123e4567-e89b-12d3-a456-426614174000'],
    ['a path', 'wrote /home/runner/work/repo/repo/src/index.ts (3 lines)'],
    ['semver', 'version = 1.2.3-beta.4+build.5'],
    [
      'base64 of ordinary text',
      Buffer.from('The quick brown fox jumps over it').toString('base64'),
    ],
    ['the documented AWS example key', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    ['an Actions expression', 'password: ${{ secrets.DB_PASSWORD }}'],
    ['a shell variable', 'api_key="${API_KEY}"'],
    ['a variable read', 'const apiKey = process.env.API_KEY\n'],
    ['a URL without a password', 'https://user@example.com:8443/path?q=1'],
    ['a URL with a placeholder password', 'postgres://app:${DB_PASSWORD}@db/app'],
    ['a low-entropy generic value', 'api_key = "aaaaaaaaaaaaaaaaaaaaaaaa"'],
    ['an identifier-like generic value', 'secret_name = my_secret_name_here'],
    ['a redaction marker', 'api_key = [REDACTED] and https://u:[REDACTED]@host/'],
    ['prose', 'Pass the token to the API with the key you created; see the docs.'],
  ]

  it.each(negatives)('finds nothing in %s', (_what, text) => {
    expect(findSecrets(text)).toEqual([])
  })

  it('prefers the specific rule where a generic rule matches the same characters', () => {
    const text = `token = ${T.ghp}\nhttps://x-access-token:${T.ghs}@github.com/o/r.git`
    expect(findSecrets(text).map((f) => f.rule)).toEqual(['secretlint-github', 'secretlint-github'])
  })

  it('reports 1-based lines and sorted, non-overlapping spans', () => {
    const text = `line one\nnpm=${T.npm}\n\n  ${T.ghp} and ${T.awsId}\n`
    const found = findSecrets(text)
    expect(found.map((f) => [f.rule, f.line])).toEqual([
      ['secretlint-npm', 2],
      ['secretlint-github', 4],
      ['secretlint-aws', 4],
    ])
    for (let i = 1; i < found.length; i++) {
      expect(found[i]!.start).toBeGreaterThanOrEqual(found[i - 1]!.end)
    }
  })

  it('keeps rule ids unique', () => {
    const ids = [...SECRET_RULES.map((rule) => rule.id), ...libraryRuleIds()]
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('finds every secret of a 5 MB text quickly', () => {
    const chunk =
      `const x = 1\n// ${rnd(ALNUM, 80)}\napi: ${T.npm}\n` + 'lorem ipsum dolor '.repeat(200)
    const text = chunk.repeat(Math.ceil(5_000_000 / chunk.length))
    const started = performance.now()
    const found = findSecrets(text)
    expect(performance.now() - started).toBeLessThan(5000)
    expect(found.length).toBe(Math.ceil(5_000_000 / chunk.length))
  })

  const adversarial: [what: string, text: string][] = [
    ['unterminated key headers', ('-----BEGIN ' + 'RSA PRIVATE KEY-----\n').repeat(150_000)],
    ['assignments with no value end', 'key='.repeat(1_000_000)],
    ['one endless value', 'token=' + 'a1'.repeat(1_000_000) + '!'],
    ['near-JWTs', ('ey' + 'A'.repeat(30) + '.').repeat(100_000)],
    ['URL-like runs', 'http://a:b'.repeat(300_000)],
  ]

  it.each(adversarial)('stays linear on %s', (_what, text) => {
    const started = performance.now()
    findSecrets(text)
    expect(performance.now() - started).toBeLessThan(5000)
  })
})

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

describe('looksLikeSecret', () => {
  const secrets: [value: string, rule: string][] = [
    [T.ghp, 'secretlint-github'],
    [T.anthropic, 'secretlint-anthropic'],
    [T.anthropicOauth, 'anthropic-oauth-token'],
    [T.awsId, 'secretlint-aws'],
    [T.npm, 'secretlint-npm'],
    [T.jwt, 'jwt'],
    [T.privateKey, 'secretlint-privatekey'],
    [`postgres://app:${T.password}@db/app`, 'secretlint-database-connection-string'],
    [`amqp://app:${T.password}@mq/vhost`, 'url-password'],
    [`{"auth": {"token": "${T.generic}"}}`, 'generic-api-key'],
    [rnd(B64, 40), HIGH_ENTROPY_RULE_ID],
    [rnd(ALNUM, 24), HIGH_ENTROPY_RULE_ID],
    [rnd(LOWER + DIGITS, 32), HIGH_ENTROPY_RULE_ID],
    [rnd(B64URL, 64), HIGH_ENTROPY_RULE_ID],
  ]

  it.each(secrets)('flags %j as %s', (value, rule) => {
    expect(looksLikeSecret(value)).toBe(rule)
  })

  const ordinary = [
    '',
    'true',
    '1',
    'Linux',
    'X64',
    '1.2.3',
    'v20.11.1',
    'en_US.UTF-8',
    'xterm-256color',
    'ubuntu-24.04',
    'GitHub Actions 2',
    'github-hosted',
    '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '/home/runner/work/repo/repo',
    '~/.config/tool/settings.json',
    'https://api.github.com',
    'https://github.com/owner/repo/actions/runs/123456789',
    '3f786850e387550fdab836ed7e6dc881de23001b',
    '3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed',
    '123e4567-e89b-12d3-a456-426614174000',
    'owner/repo/.github/workflows/ci.yml@refs/heads/main',
    'refs/pull/1234/merge',
    'feature/JIRA-1234-fix-login-bug',
    'dependabot/npm_and_yarn/eslint-9.1.0',
    'ghcr.io/owner/image:1.2.3',
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
    'ThisIsALongCamelCaseIdentifierName',
  ]

  it.each(ordinary)('leaves %j alone', (value) => {
    expect(looksLikeSecret(value)).toBeNull()
  })
})

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

/** Whether some base64 run in `text`, decoded at any alignment, still contains `value`. */
function base64Leaks(text: string, value: string): boolean {
  const needle = Buffer.from(value)
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]+/g)) {
    for (let pad = 0; pad < 4; pad++) {
      const candidate = 'A'.repeat(pad) + run
      for (const encoding of ['base64', 'base64url'] as const) {
        if (Buffer.from(candidate, encoding).includes(needle)) return true
      }
    }
  }
  return false
}

const MARKERS = /\[REDACTED(?::[a-z0-9-]+)?\]/g
/** The text outside redaction markers (each marker becomes a NUL, which no test value holds). */
const outsideMarkers = (text: string): string => text.replace(MARKERS, '\u0000')

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

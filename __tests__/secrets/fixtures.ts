/**
 * Test tokens and helpers the secrets tests share. Not a test file: the tests import it.
 */
// Test tokens are generated, never written out, so this file does not trip secret scanners.
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
export const LOWER = 'abcdefghijklmnopqrstuvwxyz'
export const DIGITS = '0123456789'
export const ALNUM = UPPER + LOWER + DIGITS
export const B64 = ALNUM + '+/'
export const B64URL = ALNUM + '_-'
export const HEXL = '0123456789abcdef'

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
export const rnd = randomChars(20240601)

const base64url = (text: string): string => Buffer.from(text).toString('base64url')

export const T = {
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
export const positives: [rule: string, text: string, secret: string][] = [
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

/** Whether some base64 run in `text`, decoded at any alignment, still contains `value`. */
export function base64Leaks(text: string, value: string): boolean {
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

export const MARKERS = /\[REDACTED(?::[a-z0-9-]+)?\]/g
/** The text outside redaction markers (each marker becomes a NUL, which no test value holds). */
export const outsideMarkers = (text: string): string => text.replace(MARKERS, '\u0000')

import { describe, expect, it } from 'vitest'
import { findSecrets } from '../../src/secrets/detect.js'
import { Redactor } from '../../src/secrets/redact.js'
import { ALNUM, positives, rnd, T } from './fixtures.js'

describe('findSecrets', () => {
  it.each(positives)('finds %s in %j', (rule, text, secret) => {
    const found = findSecrets(text)
    expect(found.map((f) => f.rule)).toEqual([rule])
    const [finding] = found
    expect(text.slice(finding!.start, finding!.end)).toContain(secret)
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

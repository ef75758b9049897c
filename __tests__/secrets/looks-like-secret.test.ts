import { describe, expect, it } from 'vitest'
import { HIGH_ENTROPY_RULE_ID, looksLikeSecret } from '../../src/secrets/looks-like-secret.js'
import { ALNUM, B64, B64URL, DIGITS, LOWER, rnd, T } from './fixtures.js'

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

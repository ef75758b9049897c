import { describe, expect, it } from 'vitest'
import { upsertStickyComment } from '../../src/report/sticky-comment.js'
import { TOKEN, apiError, fakeGitHub, recorder, target } from './fake-comments.js'

describe('upsertStickyComment: retries', () => {
  it('retries a 502 twice with growing delays, then succeeds', async () => {
    const gh = fakeGitHub()
    gh.failures.create.push(apiError(502, 'Bad Gateway'), apiError(502, 'Bad Gateway'))
    const rec = recorder()
    const result = await upsertStickyComment(gh.client, target(), rec.deps)
    expect(result.action).toBe('created')
    expect(gh.calls.create).toBe(3)
    expect(rec.delays).toEqual([1000, 2000])
    expect(rec.warnings).toEqual([])
  })

  it('gives up after three attempts with a warning', async () => {
    const gh = fakeGitHub()
    gh.failures.create.push(
      ...Array.from({ length: 3 }, () => apiError(503, 'Service Unavailable')),
    )
    const rec = recorder()
    const result = await upsertStickyComment(gh.client, target(), rec.deps)
    expect(result.action).toBe('skipped')
    expect(result.warning).toContain('HTTP 503 (Service Unavailable)')
    expect(result.warning).not.toContain('pull-requests: write')
    expect(rec.delays).toEqual([1000, 2000])
  })

  it.each([
    ['a 429', apiError(429, 'Too Many Requests')],
    [
      'a 403 with x-ratelimit-remaining: 0',
      apiError(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' }),
    ],
    ['a secondary rate limit', apiError(403, 'You have exceeded a secondary rate limit')],
    [
      'a network error',
      Object.assign(new Error(`connect ECONNRESET ${TOKEN}`), { code: 'ECONNRESET' }),
    ],
  ])('retries %s', async (_name, error) => {
    const gh = fakeGitHub()
    gh.failures.list.push(error)
    const rec = recorder()
    const result = await upsertStickyComment(gh.client, target(), rec.deps)
    expect(result.action).toBe('created')
    expect(rec.delays).toEqual([1000])
  })

  it('honours retry-after up to 30 seconds, and warns rather than wait longer', async () => {
    const gh = fakeGitHub()
    gh.failures.create.push(
      apiError(403, 'secondary rate limit', { 'retry-after': '5' }),
      apiError(429, 'slow down', { 'retry-after': '3600' }),
    )
    const rec = recorder()
    const result = await upsertStickyComment(gh.client, target(), rec.deps)
    expect(rec.delays).toEqual([5000])
    expect(result.action).toBe('skipped')
    expect(result.warning).toMatch(/rate limited \(HTTP 429\)/)
  })
})

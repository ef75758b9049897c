import type { getOctokit } from '@actions/github'
import { describe, expect, it } from 'vitest'
import { stickyMarker } from '../../src/report/marker.js'
import { upsertStickyComment, type CommentsClient } from '../../src/report/sticky-comment.js'
import {
  BOT,
  HUMAN,
  MARKER,
  TOKEN,
  apiError,
  fakeGitHub,
  recorder,
  target,
} from './fake-comments.js'

/** Compile-time check: the real client from `@actions/github` satisfies the subset we use. */
export const realClientFits = (octokit: ReturnType<typeof getOctokit>): CommentsClient => octokit

describe('upsertStickyComment', () => {
  it('creates the comment when there is none', async () => {
    const gh = fakeGitHub([{ id: 1, body: 'LGTM', user: HUMAN }])
    const result = await upsertStickyComment(gh.client, target())
    expect(result).toEqual({
      url: 'https://github.com/o/r/pull/7#issuecomment-1000',
      action: 'created',
    })
    expect(gh.comments).toHaveLength(2)
    expect(gh.comments[1]!.body).toBe(target().body)
  })

  it('updates the same comment in place on a re-run', async () => {
    const gh = fakeGitHub()
    const first = await upsertStickyComment(gh.client, target(`${MARKER}\nfirst`))
    const second = await upsertStickyComment(gh.client, target(`${MARKER}\nsecond`))
    expect(first.action).toBe('created')
    expect(second).toEqual({ url: first.url, action: 'updated' })
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0]!.body).toBe(`${MARKER}\nsecond`)
  })

  it('finds the marker on the second page of 150 comments', async () => {
    const initial = Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      body: i === 120 ? `${MARKER}\nold report` : `comment ${i}`,
      user: i === 120 ? BOT : HUMAN,
    }))
    const gh = fakeGitHub(initial)
    const result = await upsertStickyComment(gh.client, target())
    expect(result.action).toBe('updated')
    expect(result.url).toContain('issuecomment-121')
    expect(gh.calls.list).toBe(2)
    expect(gh.comments).toHaveLength(150)
  })

  it('ignores a human comment that quotes the marker', async () => {
    const gh = fakeGitHub([{ id: 1, body: `${MARKER}\nfake all-clear`, user: HUMAN }])
    const result = await upsertStickyComment(gh.client, target())
    expect(result.action).toBe('created')
    expect(gh.calls.update).toBe(0)
    expect(gh.comments[0]!.body).toBe(`${MARKER}\nfake all-clear`)
  })

  it.each([
    ['the marker is not at the start', (m: string) => `quoting: ${m}`],
    ['the marker is of another job', () => `${stickyMarker('ci', 'agent-2')}\nother`],
    ['the marker is of a matrix entry', () => `${stickyMarker('ci', 'agent', 'linux')}\nother`],
  ])('does not reuse a bot comment when %s', async (_name, body) => {
    const gh = fakeGitHub([{ id: 1, body: body(MARKER), user: BOT }])
    expect((await upsertStickyComment(gh.client, target())).action).toBe('created')
  })

  it('updates the most recent of several matching bot comments', async () => {
    const gh = fakeGitHub([
      { id: 1, body: `${MARKER}\nolder`, user: BOT },
      { id: 2, body: `${MARKER}\nnewer`, user: BOT },
    ])
    const result = await upsertStickyComment(gh.client, target())
    expect(result.url).toContain('issuecomment-2')
    expect(gh.comments[0]!.body).toBe(`${MARKER}\nolder`)
  })

  it('returns a warning naming the permission, without throwing, on a read-only token', async () => {
    const gh = fakeGitHub()
    gh.failures.create.push(apiError(403, 'Resource not accessible by integration'))
    const rec = recorder()
    const result = await upsertStickyComment(gh.client, target(), rec.deps)
    expect(result.action).toBe('skipped')
    expect(result.url).toBeNull()
    expect(result.warning).toContain('HTTP 403 (Resource not accessible by integration)')
    expect(result.warning).toContain('pull-requests: write')
    expect(result.warning).toContain('issues: write')
    expect(result.warning).toContain('forks get a read-only token')
    expect(rec.warnings).toEqual([result.warning])
    expect(rec.delays).toEqual([])
    expect(gh.calls.create).toBe(1)
  })

  it('creates a new comment when the existing one cannot be updated (404)', async () => {
    const gh = fakeGitHub([{ id: 1, body: `${MARKER}\nold`, user: BOT }])
    gh.failures.update.push(apiError(404, 'Not Found'))
    const result = await upsertStickyComment(gh.client, target())
    expect(result.action).toBe('created')
    expect(gh.calls.update).toBe(1)
  })

  it('returns a warning when the comments cannot be read', async () => {
    const gh = fakeGitHub()
    gh.failures.list.push(apiError(404, 'Not Found'))
    const result = await upsertStickyComment(gh.client, target())
    expect(result.action).toBe('skipped')
    expect(result.warning).toContain('Could not read the comments of o/r#7: HTTP 404 (Not Found)')
    expect(gh.calls.create).toBe(0)
  })

  it('never puts the token in a warning or log line', async () => {
    const errors = [
      apiError(403, 'Resource not accessible by integration'),
      apiError(500, 'boom'),
      Object.assign(new Error(`request to https://x failed, token ${TOKEN}`), {
        code: 'ETIMEDOUT',
      }),
      new Error(`plain ${TOKEN}`),
    ]
    for (const error of errors) {
      const gh = fakeGitHub()
      gh.failures.create.push(error, error, error)
      const rec = recorder()
      const result = await upsertStickyComment(gh.client, target(), rec.deps)
      const everything = [result.warning ?? '', ...rec.warnings, ...rec.infos].join('\n')
      expect(everything).not.toContain(TOKEN)
      expect(result.action).toBe('skipped')
    }
  })
})

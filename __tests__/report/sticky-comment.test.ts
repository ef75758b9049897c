import type { getOctokit } from '@actions/github'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  findPullRequestNumber,
  stickyMarker,
  upsertStickyComment,
  type CommentsClient,
  type IssueCommentLike,
  type ListCommentsMethod,
} from '../../src/report/sticky-comment.js'

/** Compile-time check: the real client from `@actions/github` satisfies the subset we use. */
export const realClientFits = (octokit: ReturnType<typeof getOctokit>): CommentsClient => octokit

const TOKEN = 'ghs_THIS_IS_THE_TOKEN_0123456789'
const MARKER = stickyMarker('ci', 'agent')
const BOT = { login: 'github-actions[bot]', type: 'Bot' }
const HUMAN = { login: 'mallory', type: 'User' }

type Call = 'list' | 'create' | 'update'

/**
 * An error shaped like Octokit's RequestError, with the token in its message and request headers,
 * as a real one may have.
 */
function apiError(status: number, message: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`${message} (authorization: token ${TOKEN})`), {
    status,
    request: {
      method: 'POST',
      url: 'https://api.github.com/x',
      headers: { authorization: `token ${TOKEN}` },
    },
    response: { status, url: 'https://api.github.com/x', headers, data: { message } },
  })
}

/** A fake GitHub holding one issue's comments, paging like the REST API, with scripted failures. */
function fakeGitHub(initial: Array<Omit<IssueCommentLike, 'html_url'>> = []) {
  let nextId = 1000
  const comments: IssueCommentLike[] = initial.map((c) => ({
    ...c,
    html_url: `https://github.com/o/r/pull/7#issuecomment-${c.id}`,
  }))
  const failures: Record<Call, Error[]> = { list: [], create: [], update: [] }
  const calls: Record<Call, number> = { list: 0, create: 0, update: 0 }
  /** Counts the call, then fails with the next scripted error or answers. */
  const respond = async <T>(call: Call, answer: () => T): Promise<T> => {
    await Promise.resolve()
    calls[call]++
    const error = failures[call].shift()
    if (error !== undefined) throw error
    return answer()
  }

  const listComments: ListCommentsMethod = ({ per_page = 30, page = 1 }) =>
    respond('list', () => ({ data: comments.slice((page - 1) * per_page, page * per_page) }))
  const client: CommentsClient = {
    paginate: async (method, params) => {
      const all: IssueCommentLike[] = []
      for (let page = 1; ; page++) {
        const { data } = await method({ ...params, page })
        all.push(...data)
        if (data.length < (params.per_page ?? 30)) return all
      }
    },
    rest: {
      issues: {
        listComments,
        createComment: ({ body }) =>
          respond('create', () => {
            const id = nextId++
            const comment = {
              id,
              body,
              user: BOT,
              html_url: `https://github.com/o/r/pull/7#issuecomment-${id}`,
            }
            comments.push(comment)
            return { data: comment }
          }),
        updateComment: ({ comment_id, body }) =>
          respond('update', () => {
            const comment = comments.find((c) => c.id === comment_id)
            if (comment === undefined) throw apiError(404, 'Not Found')
            comment.body = body
            return { data: comment }
          }),
      },
    },
  }
  return { client, comments, failures, calls }
}

function target(body = `${MARKER}\n**Airlock: success**`) {
  return { owner: 'o', repo: 'r', issueNumber: 7, marker: MARKER, body }
}

function recorder() {
  const delays: number[] = []
  const warnings: string[] = []
  const infos: string[] = []
  return {
    delays,
    warnings,
    infos,
    deps: {
      sleep: (ms: number) => {
        delays.push(ms)
        return Promise.resolve()
      },
      log: { warning: (m: string) => warnings.push(m), info: (m: string) => infos.push(m) },
    },
  }
}

describe('stickyMarker', () => {
  it.each<[string, [string, string, string?], string]>([
    ['names workflow and job', ['ci', 'agent'], '<!-- airlock:v1 workflow="ci" job="agent" -->'],
    [
      'adds the matrix key',
      ['ci', 'agent', 'node-20'],
      '<!-- airlock:v1 workflow="ci" job="agent" matrix="node-20" -->',
    ],
    [
      'ignores an empty matrix key',
      ['ci', 'agent', ''],
      '<!-- airlock:v1 workflow="ci" job="agent" -->',
    ],
    [
      'keeps spaces and single dashes',
      ['Claude review', 'run-agent'],
      '<!-- airlock:v1 workflow="Claude review" job="run-agent" -->',
    ],
    [
      'encodes a second dash so no -- appears',
      ['a--b', 'x'],
      '<!-- airlock:v1 workflow="a-%2Db" job="x" -->',
    ],
    [
      'encodes > and quotes',
      ['a-->b"c', 'x'],
      '<!-- airlock:v1 workflow="a-%2D%3Eb%22c" job="x" -->',
    ],
    ['encodes line breaks', ['a\nb', 'x'], '<!-- airlock:v1 workflow="a%0Ab" job="x" -->'],
    ['encodes non-ASCII as UTF-8', ['é', 'x'], '<!-- airlock:v1 workflow="%C3%A9" job="x" -->'],
    [
      'encodes the percent sign itself',
      ['100%', 'x'],
      '<!-- airlock:v1 workflow="100%25" job="x" -->',
    ],
  ])('%s', (_name, [workflow, job, matrix], expected) => {
    expect(stickyMarker(workflow, job, matrix)).toBe(expected)
  })

  it('is always one well-formed HTML comment, and distinct inputs never share a prefix', () => {
    const value = fc.string({ unit: 'binary', maxLength: 12 })
    const args = fc.tuple(value, value, fc.option(value, { nil: undefined }))
    fc.assert(
      fc.property(args, args, (a, b) => {
        const ma = stickyMarker(...a)
        const mb = stickyMarker(...b)
        for (const m of [ma, mb]) {
          expect(m.startsWith('<!-- ') && m.endsWith(' -->')).toBe(true)
          const inner = m.slice(4, -3)
          expect(inner).not.toMatch(/--|>|[\n\r]/)
        }
        const same = a[0] === b[0] && a[1] === b[1] && (a[2] ?? '') === (b[2] ?? '')
        if (!same) {
          expect(ma.startsWith(mb)).toBe(false)
          expect(mb.startsWith(ma)).toBe(false)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('findPullRequestNumber', () => {
  it.each([
    ['pull_request', { pull_request: { number: 12 } }, 12],
    ['pull_request_target', { pull_request: { number: 13 } }, 13],
    ['pull_request_review', { pull_request: { number: 14 } }, 14],
    ['pull_request_review_comment', { pull_request: { number: 15 } }, 15],
    ['issue_comment', { issue: { number: 16, pull_request: { url: 'https://x' } } }, 16],
    ['issue_comment', { issue: { number: 17 } }, null],
    ['issue_comment', { issue: { number: 18, pull_request: null } }, null],
    ['push', { pull_request: { number: 19 } }, null],
    ['schedule', {}, null],
    ['workflow_dispatch', { inputs: {} }, null],
    ['pull_request', {}, null],
    ['pull_request', { pull_request: { number: '20' } }, null],
    ['pull_request', { pull_request: { number: -1 } }, null],
    ['pull_request', null, null],
  ])('%s with %j → %s', (event, payload, expected) => {
    expect(findPullRequestNumber(event, payload)).toBe(expected)
  })
})

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

// The sticky comment against the fake GitHub REST server (`fakes/github.mjs`), through the real
// Octokit client of @actions/github: pagination, status codes, headers and bodies as GitHub sends
// them. Sleeps are recorded, not slept.
import { getOctokit } from '@actions/github'
import { afterEach, describe, expect, it } from 'vitest'
import {
  findPullRequestNumber,
  matrixKey,
  stickyMarker,
  upsertStickyComment,
  type StickyCommentDeps,
} from '../../src/report/index.js'
import { startFakeGitHub } from './github.mjs'

const TOKEN = 'ghs_' + 'fakeTokenForTheFakeServer0123456789'
const REPO = { owner: 'airlock-test', repo: 'demo' }

interface FakeComment {
  id: number
  body: string
  user: { login: string; type: string }
}
interface FakeRequest {
  method: string
  path: string
}
interface FakeGitHub {
  url: string
  comments: FakeComment[]
  requests: FakeRequest[]
  close: () => Promise<void>
}

const servers: FakeGitHub[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(options: Record<string, unknown> = {}): Promise<FakeGitHub> {
  const server = (await startFakeGitHub({
    pulls: [{ number: 7 }],
    ...options,
  })) as unknown as FakeGitHub
  servers.push(server)
  return server
}

function client(server: FakeGitHub): ReturnType<typeof getOctokit> {
  return getOctokit(TOKEN, { baseUrl: server.url })
}

function recorder(): {
  delays: number[]
  warnings: string[]
  infos: string[]
  deps: StickyCommentDeps
} {
  const delays: number[] = []
  const warnings: string[] = []
  const infos: string[] = []
  return {
    delays,
    warnings,
    infos,
    deps: {
      sleep: (ms) => {
        delays.push(ms)
        return Promise.resolve()
      },
      log: { warning: (m) => warnings.push(m), info: (m) => infos.push(m) },
    },
  }
}

async function post(
  server: FakeGitHub,
  marker: string,
  text: string,
  deps: StickyCommentDeps = recorder().deps,
  issueNumber = 7,
): ReturnType<typeof upsertStickyComment> {
  return upsertStickyComment(
    client(server),
    { ...REPO, issueNumber, marker, body: `${marker}\n${text}` },
    deps,
  )
}

describe('matrix jobs: one sticky comment per leg', () => {
  // What `${{ toJSON(matrix) }}` gives each leg (the runner pretty-prints it).
  const linux = JSON.stringify({ os: 'ubuntu-24.04', node: 24 }, null, 2)
  const mac = JSON.stringify({ os: 'macos-15', node: 24 }, null, 2)
  const markerOf = (matrix: string): string => stickyMarker('ci', 'agent', matrixKey(matrix))

  it('gives each leg its own comment and updates each in place on a re-run', async () => {
    const server = await serve()
    const first = [
      await post(server, markerOf(linux), 'linux 1'),
      await post(server, markerOf(mac), 'mac 1'),
    ]
    expect(first.map((r) => r.action)).toEqual(['created', 'created'])
    expect(server.comments).toHaveLength(2)
    const ids = server.comments.map((c) => c.id)

    // The re-run: the same legs, the runner printing the keys in another order.
    const macAgain = JSON.stringify({ node: 24, os: 'macos-15' })
    const second = [
      await post(server, markerOf(macAgain), 'mac 2'),
      await post(server, markerOf(linux), 'linux 2'),
    ]
    expect(second.map((r) => r.action)).toEqual(['updated', 'updated'])
    expect(server.comments.map((c) => c.id)).toEqual(ids)
    expect(server.comments.map((c) => c.body.split('\n')[1])).toEqual(['linux 2', 'mac 2'])
  })

  it('keeps the plain marker outside a matrix, so existing comments are still found', () => {
    for (const notMatrix of ['', 'null', '{}', '  null\n']) {
      expect(stickyMarker('ci', 'agent', matrixKey(notMatrix))).toBe(stickyMarker('ci', 'agent'))
    }
  })

  it('derives a short stable key that shows no matrix value', () => {
    const key = matrixKey(linux)
    expect(key).toMatch(/^m-[0-9a-f]{16}$/)
    expect(matrixKey(JSON.stringify({ node: 24, os: 'ubuntu-24.04' }))).toBe(key)
    expect(matrixKey(mac)).not.toBe(key)
    expect(markerOf(linux)).not.toContain('ubuntu')
  })

  it('uses a key the workflow chose as it is, and hashes a long one', () => {
    expect(matrixKey('ubuntu-node24')).toBe('ubuntu-node24')
    expect(matrixKey('x'.repeat(65))).toMatch(/^m-[0-9a-f]{16}$/)
  })
})

describe('issue_comment events', () => {
  // Trimmed from the payload GitHub sends for a comment on a pull request.
  const onPull = {
    action: 'created',
    issue: {
      number: 7,
      title: 'Add a feature',
      pull_request: {
        url: 'https://api.github.com/repos/airlock-test/demo/pulls/7',
        html_url: 'https://github.com/airlock-test/demo/pull/7',
        diff_url: 'https://github.com/airlock-test/demo/pull/7.diff',
        patch_url: 'https://github.com/airlock-test/demo/pull/7.patch',
        merged_at: null,
      },
    },
    comment: { id: 1, body: '@airlock please fix the tests', user: { login: 'octocat' } },
  }

  it('finds the pull request of a comment on it and posts there', async () => {
    const server = await serve({ issues: [8] })
    const number = findPullRequestNumber('issue_comment', onPull)
    expect(number).toBe(7)
    const result = await post(server, stickyMarker('ci', 'agent'), 'report', undefined, number!)
    expect(result.action).toBe('created')
    expect(result.url).toMatch(/\/pull\/7#issuecomment-\d+$/)
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/repos/airlock-test/demo/issues/7/comments',
    ])
  })

  it('finds nothing for a comment on a plain issue', () => {
    const onIssue = { ...onPull, issue: { number: 8, title: 'A bug' } }
    expect(findPullRequestNumber('issue_comment', onIssue)).toBeNull()
    expect(
      findPullRequestNumber('issue_comment', { issue: { number: 8, pull_request: null } }),
    ).toBeNull()
  })
})

describe('a read-only token (pull requests from forks)', () => {
  it('warns, naming the missing permission, and does not throw', async () => {
    const server = await serve({ readOnly: true })
    const rec = recorder()
    const result = await post(server, stickyMarker('ci', 'agent'), 'report', rec.deps)
    expect(result.action).toBe('skipped')
    expect(result.url).toBeNull()
    expect(result.warning).toContain('HTTP 403 (Resource not accessible by integration)')
    expect(result.warning).toContain('`pull-requests: write`')
    expect(result.warning).toContain('GitHub accepts: issues=write; pull_requests=write')
    expect(rec.warnings).toEqual([result.warning])
    expect(rec.delays).toEqual([]) // a refusal is not retried
    expect(server.comments).toHaveLength(0)
    expect(JSON.stringify([result, rec])).not.toContain(TOKEN)
  })
})

describe('server errors and rate limits', () => {
  it('retries 5xx with growing delays, then posts', async () => {
    const server = await serve({ failTimes: { POST: 2 }, failStatus: 502 })
    const rec = recorder()
    const result = await post(server, stickyMarker('ci', 'agent'), 'report', rec.deps)
    expect(result.action).toBe('created')
    expect(rec.delays).toEqual([1000, 2000])
    expect(server.comments).toHaveLength(1)
  })

  it('warns after the last attempt when the server keeps failing', async () => {
    const server = await serve({ failTimes: { POST: 5 }, failStatus: 503 })
    const rec = recorder()
    const result = await post(server, stickyMarker('ci', 'agent'), 'report', rec.deps)
    expect(result.action).toBe('skipped')
    expect(result.warning).toMatch(/HTTP 503.*The report is in the job summary\.$/)
    expect(rec.delays).toEqual([1000, 2000])
  })

  it('waits until x-ratelimit-reset when the quota is used up, then posts', async () => {
    const server = await serve({ rateLimits: [{ kind: 'primary', key: 'POST', resetIn: 2 }] })
    const rec = recorder()
    const result = await post(server, stickyMarker('ci', 'agent'), 'report', rec.deps)
    expect(result.action).toBe('created')
    expect(rec.delays).toHaveLength(1)
    expect(rec.delays[0]).toBeGreaterThanOrEqual(1000)
    expect(rec.delays[0]).toBeLessThanOrEqual(4000)
    expect(rec.infos.join('\n')).toContain('rate limited (HTTP 403)')
  })

  it('warns instead of waiting for a quota that resets in an hour', async () => {
    const server = await serve({ rateLimits: [{ kind: 'primary', resetIn: 3600 }] })
    const rec = recorder()
    const result = await post(server, stickyMarker('ci', 'agent'), 'report', rec.deps)
    expect(result.action).toBe('skipped')
    expect(result.warning).toContain('rate limited (HTTP 403)')
    expect(rec.delays).toEqual([])
  })

  it.each([403, 429])('honours retry-after of a secondary rate limit (HTTP %d)', async (status) => {
    const server = await serve({
      rateLimits: [{ kind: 'secondary', status, key: 'POST', retryAfter: 3, times: 2 }],
    })
    const rec = recorder()
    const result = await post(server, stickyMarker('ci', 'agent'), 'report', rec.deps)
    expect(result.action).toBe('created')
    expect(rec.delays).toEqual([3000, 3000])
  })

  it('warns when the secondary limit outlasts every attempt', async () => {
    const server = await serve({
      rateLimits: [{ kind: 'secondary', status: 429, retryAfter: 1, times: 10 }],
    })
    const rec = recorder()
    const result = await post(server, stickyMarker('ci', 'agent'), 'report', rec.deps)
    expect(result.action).toBe('skipped')
    expect(result.warning).toMatch(
      /^Could not read the comments of airlock-test\/demo#7: rate limited \(HTTP 429\)/,
    )
    expect(rec.delays).toEqual([1000, 2000])
  })
})

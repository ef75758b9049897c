// A fake of the GitHub REST API endpoints the action calls through @actions/github's Octokit, on
// 127.0.0.1: issue comments (with real pagination), one pull request, collaborator permissions
// and the repository. It records every request, token included, so tests can assert which token
// was used and scan everything the action sent for leaked secrets.

import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { closeServer, listen, parseJson } from './http.mjs'
import { URLSearchParams } from 'node:url'

/**
 * One recorded HTTP request.
 *
 * @typedef {object} GitHubRequest
 * @property {string} method HTTP method, upper case.
 * @property {string} path Path without the query string.
 * @property {Record<string, string>} query Query parameters.
 * @property {import('node:http').IncomingHttpHeaders} headers Request headers (lower-case names),
 *   `authorization` included.
 * @property {string} rawBody The request body exactly as received (UTF-8).
 * @property {any} body The body parsed as JSON, or `null` when it is empty or not JSON.
 */

/**
 * A comment placed on an issue or pull request before the fake starts.
 *
 * @typedef {object} SeedComment
 * @property {string} body Markdown body.
 * @property {number} [issue] Issue or pull request number; defaults to the first pull request's.
 * @property {string} [login] Author; defaults to `octocat`.
 * @property {'User' | 'Bot'} [type] Author type; defaults to `User`.
 */

/**
 * A pull request the fake knows.
 *
 * @typedef {object} PullSpec
 * @property {number} number
 * @property {string} [headRef] Defaults to `feature`.
 * @property {string} [headSha] Defaults to a fixed 40-hex-digit value.
 * @property {string} [baseRef] Defaults to `main`.
 * @property {string} [headRepo] `owner/name` of the head repository; a different value from the
 *   base repository makes it a fork pull request. Defaults to the base repository.
 * @property {string} [title]
 * @property {string} [body]
 * @property {string} [author] Defaults to `octocat`.
 */

/**
 * A repository role as GitHub names it.
 *
 * @typedef {'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'} Role
 */

/**
 * @typedef {object} FakeGitHubOptions
 * @property {string} [repository] `owner/name` the fake serves; any other answers 404. Defaults to
 *   {@link DEFAULT_REPOSITORY}.
 * @property {PullSpec[]} [pulls] Pull requests; defaults to one, number 1.
 * @property {number[]} [issues] Further issue numbers that accept comments.
 * @property {SeedComment[]} [seedComments] Comments present from the start, oldest first.
 * @property {Record<string, Role>} [permissions] Role per user login; unknown users are `read`.
 * @property {string} [token] When set, any other token is answered 401 `Bad credentials`.
 * @property {boolean} [readOnly] Writes answer 403 `Resource not accessible by integration`, as
 *   with a read-only `GITHUB_TOKEN` (e.g. a pull request from a fork).
 * @property {Record<string, number>} [failTimes] The first N requests matching a key answer
 *   `failStatus`. A key is a method (`'POST'`) or a method and path (`'PATCH /repos/o/r/issues/comments/1'`).
 * @property {number} [failStatus] Status of injected failures; defaults to 502.
 * @property {boolean | string} [rateLimitOnce] The first request (or the first matching the key,
 *   as in `failTimes`) answers 403 with `x-ratelimit-remaining: 0` and `retry-after: 1`.
 * @property {RateLimitSpec[]} [rateLimits] Rate limits as GitHub answers them, applied in order.
 */

/**
 * A rate limit the fake applies, in GitHub's wire format
 * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * - `primary`: the hourly quota is used up. Status 403 (GitHub also uses 429), `x-ratelimit-
 *   remaining: 0`, `x-ratelimit-reset` (epoch seconds), no `retry-after`; message "API rate limit
 *   exceeded for installation ID …".
 * - `secondary`: too many requests too fast. Status 403 or 429 with `retry-after` (seconds),
 *   the quota headers unchanged; message "You have exceeded a secondary rate limit …".
 *
 * @typedef {object} RateLimitSpec
 * @property {'primary' | 'secondary'} kind
 * @property {403 | 429} [status] Defaults to 403.
 * @property {string} [key] Only requests matching it (as in `failTimes`); default: any request.
 * @property {number} [times] How many requests it answers; defaults to 1.
 * @property {number} [resetIn] `primary`: seconds until `x-ratelimit-reset`; defaults to 60.
 * @property {number} [retryAfter] `secondary`: the `retry-after` seconds; defaults to 60.
 */

/**
 * A comment as the REST API returns it.
 *
 * @typedef {object} IssueComment
 * @property {number} id
 * @property {string} node_id
 * @property {string} url
 * @property {string} html_url
 * @property {string} issue_url
 * @property {string} body
 * @property {{ login: string, id: number, node_id: string, type: string, site_admin: boolean }} user
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} author_association
 */

/**
 * @typedef {object} FakeGitHub
 * @property {string} url Base URL (`http://127.0.0.1:<port>`), for `GITHUB_API_URL` or Octokit's
 *   `baseUrl`.
 * @property {GitHubRequest[]} requests Every request received, in order (live array).
 * @property {IssueComment[]} comments The stored comments, oldest first (live array).
 * @property {() => Promise<void>} close Stops the server and drops open connections.
 */

/** The repository the fake serves unless told otherwise. */
export const DEFAULT_REPOSITORY = 'airlock-test/demo'

/** The head commit of a pull request unless told otherwise. */
export const DEFAULT_HEAD_SHA = '0123456789abcdef0123456789abcdef01234567'

/** The account that writes comments with `GITHUB_TOKEN`. */
const ACTIONS_BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }

const DOCS = 'https://docs.github.com/rest'

/** GitHub's limit on a comment body, in characters. */
const MAX_COMMENT_LENGTH = 65536

/** `role_name` → `permission` (the legacy field), as GitHub maps them. */
const PERMISSION_OF_ROLE = /** @type {const} */ ({
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
})

/**
 * Starts the fake GitHub REST API on an ephemeral port of 127.0.0.1.
 *
 * Every request must carry `authorization: token X` or `Bearer X` (else 401). Every response is
 * `application/json; charset=utf-8` with GitHub's rate-limit headers. Unknown routes answer 404
 * `{"message":"Not Found",…}`.
 *
 * @param {FakeGitHubOptions} [options]
 * @returns {Promise<FakeGitHub>}
 */
export async function startFakeGitHub(options = {}) {
  const repository = options.repository ?? DEFAULT_REPOSITORY
  const [owner = '', repo = ''] = repository.split('/')
  const pulls = (options.pulls ?? [{ number: 1 }]).map((pull) => ({
    headRef: 'feature',
    headSha: DEFAULT_HEAD_SHA,
    baseRef: 'main',
    headRepo: repository,
    title: `Pull request #${pull.number}`,
    body: '',
    author: 'octocat',
    ...pull,
  }))
  const firstPull = pulls[0]?.number ?? 1
  const issueNumbers = new Set([
    ...pulls.map((pull) => pull.number),
    ...(options.issues ?? []),
    ...(options.seedComments ?? []).map((seed) => seed.issue ?? firstPull),
  ])
  const permissions = options.permissions ?? {}
  const failTimes = { ...(options.failTimes ?? {}) }
  const failStatus = options.failStatus ?? 502
  let rateLimit = options.rateLimitOnce ?? false
  const rateLimits = (options.rateLimits ?? []).map((spec) => ({ ...spec, left: spec.times ?? 1 }))
  let remaining = 5000
  /** @type {GitHubRequest[]} */
  const requests = []
  /** @type {IssueComment[]} */
  const comments = []
  /** @type {Map<number, number>} comment id → issue number */
  const issueOf = new Map()
  let nextId = 2000000001
  let baseUrl = ''

  /**
   * @param {number} issue
   * @param {string} body
   * @param {{ login: string, id: number, type: string }} user
   * @param {string} createdAt
   * @returns {IssueComment}
   */
  function addComment(issue, body, user, createdAt) {
    const id = nextId++
    const kind = pulls.some((pull) => pull.number === issue) ? 'pull' : 'issues'
    /** @type {IssueComment} */
    const comment = {
      id,
      node_id: `IC_kwDO${Buffer.from(String(id)).toString('base64url')}`,
      url: `${baseUrl}/repos/${repository}/issues/comments/${id}`,
      html_url: `https://github.com/${repository}/${kind}/${issue}#issuecomment-${id}`,
      issue_url: `${baseUrl}/repos/${repository}/issues/${issue}`,
      body,
      user: {
        login: user.login,
        id: user.id,
        node_id: `U_${Buffer.from(user.login).toString('base64url')}`,
        type: user.type,
        site_admin: false,
      },
      created_at: createdAt,
      updated_at: createdAt,
      author_association: user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
    }
    comments.push(comment)
    issueOf.set(id, issue)
    return comment
  }

  /**
   * @param {GitHubRequest} request
   * @param {string} key
   */
  function matches(request, key) {
    return key === request.method || key === `${request.method} ${request.path}`
  }

  /**
   * @param {GitHubRequest} request
   * @returns {{ status: number, body: unknown, headers?: Record<string, string> }}
   */
  function route(request) {
    const auth = request.headers.authorization ?? ''
    const token = /^(?:token|bearer) (\S+)$/i.exec(auth)?.[1]
    if (token === undefined) return fail(401, 'Requires authentication')
    if (options.token !== undefined && token !== options.token) return fail(401, 'Bad credentials')

    if (rateLimit !== false && (rateLimit === true || matches(request, rateLimit))) {
      rateLimit = false
      remaining = 0
      const reset = String(Math.floor(Date.now() / 1000) + 1)
      return {
        ...fail(403, 'API rate limit exceeded for installation ID 1.'),
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'retry-after': '1' },
      }
    }
    for (const limit of rateLimits) {
      if (limit.left <= 0 || (limit.key !== undefined && !matches(request, limit.key))) continue
      limit.left--
      const status = limit.status ?? 403
      const now = Math.floor(Date.now() / 1000)
      if (limit.kind === 'primary') {
        remaining = 0
        return {
          status,
          body: {
            message: 'API rate limit exceeded for installation ID 1.',
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
            status: String(status),
          },
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': '5000',
            'x-ratelimit-reset': String(now + (limit.resetIn ?? 60)),
          },
        }
      }
      return {
        status,
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000:0000:0000.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
          status: String(status),
        },
        headers: { 'retry-after': String(limit.retryAfter ?? 60) },
      }
    }
    for (const [key, left] of Object.entries(failTimes)) {
      if (left > 0 && matches(request, key)) {
        failTimes[key] = left - 1
        return fail(failStatus, failStatus === 503 ? 'Service Unavailable' : 'Server Error')
      }
    }

    const { method, path } = request
    const parts = path.split('/').slice(1).map(decodeURIComponent)
    if (parts[0] !== 'repos' || parts[1] !== owner || parts[2] !== repo) return notFound()
    const rest = parts.slice(3)
    const isWrite = method !== 'GET' && method !== 'HEAD'
    if (isWrite && options.readOnly === true) {
      return {
        ...fail(403, 'Resource not accessible by integration'),
        headers: { 'x-accepted-github-permissions': 'issues=write; pull_requests=write' },
      }
    }

    // GET /repos/{owner}/{repo}
    if (rest.length === 0 && method === 'GET') return ok(repositoryObject())

    // /repos/{owner}/{repo}/issues/{n}/comments
    if (rest.length === 3 && rest[0] === 'issues' && rest[2] === 'comments') {
      const issue = Number(rest[1])
      if (!issueNumbers.has(issue)) return notFound()
      if (method === 'GET') return listComments(request, issue)
      if (method === 'POST') {
        const invalid = validateBody(request.body)
        if (invalid) return invalid
        const now = timestamp(new Date())
        return { status: 201, body: addComment(issue, request.body.body, ACTIONS_BOT, now) }
      }
      return notFound()
    }

    // /repos/{owner}/{repo}/issues/comments/{id}
    if (rest.length === 3 && rest[0] === 'issues' && rest[1] === 'comments') {
      const index = comments.findIndex((comment) => String(comment.id) === rest[2])
      const comment = comments[index]
      if (comment === undefined) return notFound()
      if (method === 'GET') return ok(comment)
      if (method === 'PATCH') {
        const invalid = validateBody(request.body)
        if (invalid) return invalid
        comment.body = request.body.body
        comment.updated_at = timestamp(new Date())
        return ok(comment)
      }
      if (method === 'DELETE') {
        comments.splice(index, 1)
        issueOf.delete(comment.id)
        return { status: 204, body: null }
      }
      return notFound()
    }

    // GET /repos/{owner}/{repo}/pulls/{n}
    if (rest.length === 2 && rest[0] === 'pulls' && method === 'GET') {
      const pull = pulls.find((candidate) => String(candidate.number) === rest[1])
      return pull ? ok(pullObject(pull)) : notFound()
    }

    // GET /repos/{owner}/{repo}/collaborators/{user}/permission
    if (rest.length === 3 && rest[0] === 'collaborators' && rest[2] === 'permission') {
      if (method !== 'GET') return notFound()
      const login = rest[1] ?? ''
      const role = permissions[login] ?? 'read'
      return ok({
        permission: PERMISSION_OF_ROLE[role],
        role_name: role,
        user: { login, id: 1000 + login.length, type: 'User', site_admin: false },
      })
    }

    return notFound()
  }

  /**
   * One page of an issue's comments, with GitHub's `Link` header.
   *
   * @param {GitHubRequest} request
   * @param {number} issue
   */
  function listComments(request, issue) {
    const perPage = clamp(Number(request.query.per_page ?? 30), 1, 100)
    const page = Math.max(1, Math.floor(Number(request.query.page ?? 1)) || 1)
    const all = comments.filter((comment) => issueOf.get(comment.id) === issue)
    const last = Math.max(1, Math.ceil(all.length / perPage))
    /** @param {number} n */
    const link = (n) => {
      const query = new URLSearchParams({
        ...request.query,
        per_page: String(perPage),
        page: String(n),
      })
      return `${baseUrl}${request.path}?${query.toString()}`
    }
    /** @type {string[]} */
    const links = []
    if (page > 1) links.push(`<${link(Math.min(page - 1, last))}>; rel="prev"`)
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`)
    if (page > 1) links.push(`<${link(1)}>; rel="first"`)
    /** @type {Record<string, string>} */
    const headers = {}
    if (links.length > 0) headers.link = links.join(', ')
    return { status: 200, body: all.slice((page - 1) * perPage, page * perPage), headers }
  }

  function repositoryObject() {
    return {
      id: 100001,
      node_id: 'R_kgDOAAGGoQ',
      name: repo,
      full_name: repository,
      private: false,
      owner: { login: owner, id: 2000, type: 'Organization', site_admin: false },
      html_url: `https://github.com/${repository}`,
      fork: false,
      url: `${baseUrl}/repos/${repository}`,
      default_branch: 'main',
    }
  }

  /** @param {Required<PullSpec>} pull */
  function pullObject(pull) {
    const [headOwner = owner] = pull.headRepo.split('/')
    return {
      url: `${baseUrl}/repos/${repository}/pulls/${pull.number}`,
      id: 500000 + pull.number,
      node_id: `PR_kwDO${Buffer.from(String(pull.number)).toString('base64url')}`,
      html_url: `https://github.com/${repository}/pull/${pull.number}`,
      number: pull.number,
      state: 'open',
      locked: false,
      title: pull.title,
      body: pull.body,
      user: { login: pull.author, id: 3000, type: 'User', site_admin: false },
      draft: false,
      merged: false,
      head: {
        label: `${headOwner}:${pull.headRef}`,
        ref: pull.headRef,
        sha: pull.headSha,
        repo: { full_name: pull.headRepo, fork: pull.headRepo !== repository },
      },
      base: {
        label: `${owner}:${pull.baseRef}`,
        ref: pull.baseRef,
        sha: 'fedcba9876543210fedcba9876543210fedcba98',
        repo: { full_name: repository, fork: false },
      },
    }
  }

  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk))
    req.on('end', () => {
      const target = new URL(req.url ?? '/', 'http://127.0.0.1')
      const rawBody = Buffer.concat(chunks).toString('utf8')
      /** @type {GitHubRequest} */
      const request = {
        method: req.method ?? 'GET',
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        headers: req.headers,
        rawBody,
        body: parseJson(rawBody),
      }
      requests.push(request)
      const answer = route(request)
      if (answer.status < 400) remaining = Math.max(0, remaining - 1)
      const text = answer.body === null ? '' : JSON.stringify(answer.body)
      res.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        'x-github-api-version-selected': '2022-11-28',
        'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-used': String(5000 - remaining),
        'x-ratelimit-resource': 'core',
        ...answer.headers,
      })
      res.end(request.method === 'HEAD' ? undefined : text)
    })
  })

  baseUrl = await listen(server)
  const seedStart = Date.parse('2024-01-01T00:00:00Z')
  ;(options.seedComments ?? []).forEach((seed, index) => {
    const login = seed.login ?? 'octocat'
    const user = { login, id: 5000 + login.length, type: seed.type ?? 'User' }
    addComment(
      seed.issue ?? firstPull,
      seed.body,
      user,
      timestamp(new Date(seedStart + index * 60_000)),
    )
  })

  return { url: baseUrl, requests, comments, close: () => closeServer(server) }
}

/**
 * 422 unless the request body is `{ body: string }` within GitHub's length limit.
 *
 * @param {any} body
 */
function validateBody(body) {
  if (body === null || typeof body !== 'object' || typeof body.body !== 'string') {
    return {
      status: 422,
      body: {
        message: 'Invalid request.\n\nNo subschema in "anyOf" matched.\n"body" wasn\'t supplied.',
        documentation_url: `${DOCS}/issues/comments`,
        status: '422',
      },
    }
  }
  if (body.body.length > MAX_COMMENT_LENGTH) {
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`,
          },
        ],
        documentation_url: `${DOCS}/issues/comments`,
        status: '422',
      },
    }
  }
  return null
}

/** @param {unknown} body */
function ok(body) {
  return { status: 200, body }
}

/**
 * @param {number} status
 * @param {string} message
 */
function fail(status, message) {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } }
}

function notFound() {
  return fail(404, 'Not Found')
}

/**
 * @param {number} value
 * @param {number} min
 * @param {number} max
 */
function clamp(value, min, max) {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : min
}

/**
 * GitHub's timestamp format: ISO 8601 to the second, `Z`.
 *
 * @param {Date} date
 */
function timestamp(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

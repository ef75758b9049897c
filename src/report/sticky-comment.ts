/**
 * The sticky pull-request comment: one comment per workflow + job (+ matrix entry), found again by a
 * hidden marker on its first line (see `marker.ts`) and updated in place on every run.
 *
 * Thin I/O: the Octokit client, the clock and the sleep function are parameters. Nothing here throws for an
 * API failure — a read-only token (fork pull requests) is normal, and the report is also in the job
 * summary — so every failure comes back as a `warning` for the caller to log.
 */

import { acceptedPermissions, describe, isRefused } from './api-error.js'
import { defaultSleep, withRetry, type RetryDeps } from './retry.js'

/** One issue comment, as much of it as the upsert reads. */
export interface IssueCommentLike {
  id: number
  body?: string | null
  html_url: string
  user: { login: string; type: string } | null
}

/**
 * Parameters of `GET /repos/{owner}/{repo}/issues/{issue_number}/comments`. (A type alias, not an
 * interface, so that Octokit's `RequestParameters` index signature accepts it.)
 */
export type ListCommentsParams = {
  owner: string
  repo: string
  issue_number: number
  per_page?: number
  page?: number
}

/** `octokit.rest.issues.listComments`, as far as this module relies on it. */
export type ListCommentsMethod = (
  params: ListCommentsParams,
) => Promise<{ data: IssueCommentLike[] }>

/**
 * The subset of `getOctokit(token)` from `@actions/github` this module uses. A real Octokit is
 * assignable to it; tests pass a hand-written fake.
 */
export interface CommentsClient {
  paginate: (method: ListCommentsMethod, params: ListCommentsParams) => Promise<IssueCommentLike[]>
  rest: {
    issues: {
      listComments: ListCommentsMethod
      createComment: (params: {
        owner: string
        repo: string
        issue_number: number
        body: string
      }) => Promise<{ data: { id: number; html_url: string } }>
      updateComment: (params: {
        owner: string
        repo: string
        comment_id: number
        body: string
      }) => Promise<{ data: { id: number; html_url: string } }>
    }
  }
}

/** Where to post and what. `body` must start with `marker` (see `stickyMarker` in `marker.ts`). */
export interface StickyCommentTarget {
  owner: string
  repo: string
  issueNumber: number
  marker: string
  body: string
}

/**
 * Optional collaborators: a sleep for the retry backoff, a clock (milliseconds since the epoch,
 * for `x-ratelimit-reset`) and a logger for progress lines.
 */
export interface StickyCommentDeps {
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  log?: { warning(message: string): void; info(message: string): void }
}

/** What the upsert did. `url` is the comment's address when one was created or updated. */
export interface StickyCommentResult {
  url: string | null
  action: 'created' | 'updated' | 'skipped'
  /** Why nothing was posted (or why the existing comment could not be reused), for the log. */
  warning?: string
}

/**
 * Creates the sticky comment, or updates the existing one in place.
 *
 * The existing comment is the most recent one whose body starts with `marker` **and** whose author
 * is a bot account (`user.type === 'Bot'`, as `github-actions[bot]` is). A human who pastes the
 * marker into a comment is ignored: their comment is never overwritten and never mistaken for the
 * report. (A workflow that posts with a personal access token posts as a user, so it gets a new
 * comment on every run rather than an update.) If the in-place update is refused (the comment was
 * deleted meanwhile, or belongs to another app), a new comment is created instead.
 *
 * Server errors (5xx), rate limits (429, or 403 with `x-ratelimit-remaining: 0` or `retry-after`)
 * and network errors are retried up to `MAX_ATTEMPTS` attempts (see `retry.ts`), with exponential
 * backoff (`BASE_DELAY_MS`, doubled each time), waiting longer when GitHub says so (`retry-after`
 * seconds, or until `x-ratelimit-reset`), up to `MAX_DELAY_MS`; a rate limit that resets later is
 * not waited for. Never throws: a refused write (403/404, typically a read-only token,
 * e.g. on a pull request from a fork) or an exhausted retry comes back as `action: 'skipped'` with
 * a `warning`; a refusal's warning names the permission the token lacks. Warnings are built from
 * the HTTP status, GitHub's own message and its `x-accepted-github-permissions` header only, never
 * from the request (whose headers carry the token).
 */
export async function upsertStickyComment(
  octokit: CommentsClient,
  target: StickyCommentTarget,
  deps: StickyCommentDeps = {},
): Promise<StickyCommentResult> {
  const retry: RetryDeps = {
    sleep: deps.sleep ?? defaultSleep,
    now: deps.now ?? Date.now,
    log: deps.log,
  }
  const { owner, repo, issueNumber, marker, body } = target
  const where = `${owner}/${repo}#${issueNumber}`

  let existing: IssueCommentLike | undefined
  try {
    const comments = await withRetry(
      () =>
        octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number: issueNumber,
          per_page: 100,
        }),
      retry,
    )
    existing = findSticky(comments, marker)
  } catch (error) {
    return skipped(`Could not read the comments of ${where}: ${describe(error)}`, error, deps.log)
  }

  if (existing !== undefined) {
    const commentId = existing.id
    try {
      const { data } = await withRetry(
        () => octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body }),
        retry,
      )
      deps.log?.info(`Updated the Airlock comment on ${where}: ${data.html_url}`)
      return { url: data.html_url, action: 'updated' }
    } catch (error) {
      if (!isRefused(error)) {
        return skipped(
          `Could not update the Airlock comment on ${where}: ${describe(error)}`,
          error,
          deps.log,
        )
      }
      deps.log?.info(
        `The existing Airlock comment on ${where} could not be updated (${describe(error)}); creating a new one.`,
      )
    }
  }

  try {
    const { data } = await withRetry(
      () => octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
      retry,
    )
    deps.log?.info(`Created the Airlock comment on ${where}: ${data.html_url}`)
    return { url: data.html_url, action: 'created' }
  } catch (error) {
    return skipped(`Could not comment on ${where}: ${describe(error)}`, error, deps.log)
  }
}

/** The most recent bot comment that starts with the marker. */
function findSticky(comments: IssueCommentLike[], marker: string): IssueCommentLike | undefined {
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i]
    if (comment === undefined) continue
    if (comment.user?.type !== 'Bot') continue
    if (typeof comment.body === 'string' && comment.body.startsWith(marker)) return comment
  }
  return undefined
}

function skipped(
  message: string,
  error: unknown,
  log: StickyCommentDeps['log'],
): StickyCommentResult {
  const accepted = acceptedPermissions(error)
  const warning = isRefused(error)
    ? `${message}. The token needs \`pull-requests: write\` (or \`issues: write\`) permission` +
      (accepted !== undefined ? ` (GitHub accepts: ${accepted})` : '') +
      '; pull requests from forks get a read-only token. The report is in the job summary.'
    : `${message}. The report is in the job summary.`
  log?.warning(warning)
  return { url: null, action: 'skipped', warning }
}

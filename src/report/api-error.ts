/**
 * What a failed GitHub API call means: transient (retry), a rate limit, or a refusal (the token may
 * not do this); and a one-line description built only from safe parts of the error (status,
 * GitHub's message, selected headers, a Node error code), never from the request, whose headers
 * carry the token.
 *
 * Pure: an error of unknown shape in, facts about it out.
 */

import { field } from './field.js'

/** GitHub's `x-accepted-github-permissions` header (`issues=write; pull_requests=write`), if sane. */
export function acceptedPermissions(error: unknown): string | undefined {
  const value = header(error, 'x-accepted-github-permissions')
  return value !== undefined && /^[a-z_]+=[a-z]+(?:[;,] ?[a-z_]+=[a-z]+){0,9}$/.test(value)
    ? value
    : undefined
}

function status(error: unknown): number | undefined {
  const value = field(error, 'status')
  return typeof value === 'number' ? value : undefined
}

/** A response header of the error, as text, if it has one. */
export function header(error: unknown, name: string): string | undefined {
  const value = field(field(field(error, 'response'), 'headers'), name)
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

function isRateLimited(error: unknown): boolean {
  const code = status(error)
  if (code === 429) return true
  if (code !== 403) return false
  return (
    header(error, 'x-ratelimit-remaining') === '0' ||
    header(error, 'retry-after') !== undefined ||
    /rate limit/i.test(apiMessage(error) ?? '')
  )
}

/** A network error, a server error (5xx) or a rate limit: worth another attempt. */
export function isTransient(error: unknown): boolean {
  const code = status(error)
  if (code === undefined) return true // no response: a network error
  return code >= 500 || isRateLimited(error)
}

/** 403 or 404 that is not a rate limit: the token may not do this. */
export function isRefused(error: unknown): boolean {
  const code = status(error)
  return (code === 403 || code === 404) && !isRateLimited(error)
}

/** GitHub's `message` from the response body, one line, shortened. */
function apiMessage(error: unknown): string | undefined {
  const message = field(field(field(error, 'response'), 'data'), 'message')
  if (typeof message !== 'string') return undefined
  const line = message.replace(/\s+/g, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 199)}…` : line
}

/** A description built only from safe parts: status, GitHub's message, a Node error code. */
export function describe(error: unknown): string {
  const code = status(error)
  if (code === undefined) {
    const errno = field(error, 'code')
    return typeof errno === 'string' && /^[A-Z][A-Z0-9_]{0,40}$/.test(errno)
      ? `network error ${errno}`
      : 'network error'
  }
  if (isRateLimited(error)) return `rate limited (HTTP ${code})`
  const message = apiMessage(error)
  return message === undefined || message === '' ? `HTTP ${code}` : `HTTP ${code} (${message})`
}

/**
 * The install's one error type, and how a cause is told in a message. Pure.
 *
 * Every failure of the install is an {@link InstallError} whose message says what to do; whether
 * trying again may help travels with it, so only network trouble is ever retried.
 */

/** Any failure of the install; the message is one sentence that says what to do. */
export class InstallError extends Error {
  override name = 'InstallError'
  /** Whether trying the download again may help (network errors, timeouts, 5xx, truncation). */
  readonly retryable: boolean
  constructor(message: string, retryable = false) {
    super(message)
    this.retryable = retryable
  }
}

/** The download's digest is not the expected one: never retried, never installed. */
export class IntegrityError extends InstallError {
  override name = 'IntegrityError'
}

/** An error's message, with its cause's when that adds something (`fetch failed: ECONNREFUSED`). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error'
  const cause = (error as { cause?: unknown }).cause
  const detail = cause instanceof Error ? cause.message : ''
  return detail !== '' && !error.message.includes(detail)
    ? `${error.message}: ${detail}`
    : error.message
}

/**
 * Retries of GitHub API calls: transient failures are retried with exponential backoff, waiting
 * longer when GitHub says so, within a bound.
 *
 * Thin I/O: the sleep and the clock are parameters; only {@link defaultSleep} waits for real.
 */

import { describe, header, isTransient } from './api-error.js'

/** Attempts per API call, the first included. */
export const MAX_ATTEMPTS = 3
/** Delay before the second attempt; doubled before each further one. */
export const BASE_DELAY_MS = 1000
/**
 * Longest wait honoured from a `retry-after` or `x-ratelimit-reset` header. A rate limit that
 * resets later than this is not waited for: the step warns and moves on.
 */
export const MAX_DELAY_MS = 30_000

/** The collaborators of {@link withRetry}: a sleep, a clock and a logger for progress lines. */
export interface RetryDeps {
  sleep: (ms: number) => Promise<void>
  now: () => number
  log: { info(message: string): void } | undefined
}

/**
 * The result of `call`, attempted up to {@link MAX_ATTEMPTS} times while it fails transiently;
 * throws the last error otherwise, or at once when GitHub asks for a wait over {@link MAX_DELAY_MS}.
 */
export async function withRetry<T>(call: () => Promise<T>, deps: RetryDeps): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error
      const delay = retryDelay(error, attempt, deps.now())
      if (delay === null) throw error
      deps.log?.info(`GitHub API: ${describe(error)}; retrying in ${delay} ms.`)
      await deps.sleep(delay)
    }
  }
}

/**
 * How long to wait before the next attempt: the backoff, or longer when GitHub says so;
 * `null` when GitHub says to wait longer than {@link MAX_DELAY_MS}.
 */
function retryDelay(error: unknown, attempt: number, now: number): number | null {
  const backoff = BASE_DELAY_MS * 2 ** (attempt - 1)
  const retryAfter = Number(header(error, 'retry-after'))
  let wanted = 0
  if (Number.isFinite(retryAfter) && retryAfter > 0) {
    wanted = retryAfter * 1000
  } else if (header(error, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(error, 'x-ratelimit-reset'))
    if (Number.isFinite(reset) && reset > 0) wanted = reset * 1000 - now + 1000
  }
  if (wanted > MAX_DELAY_MS) return null
  return Math.max(backoff, wanted)
}

/** Waits `ms` milliseconds (the real timer). */
export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Waiting for concurrent git processes: the audit runs independent git commands side by side,
 * and must not clean up the private folder while one of them still writes there. Pure.
 */

/**
 * `Promise.all`, except that it waits for every promise to settle before failing, so no git
 * process is still running (and writing under the private folder) when the caller cleans up.
 */
export async function settleAll<T extends readonly Promise<unknown>[]>(
  promises: readonly [...T],
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>
  }
}

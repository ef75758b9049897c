/**
 * The sandbox's network refusals, read from the CLI's debug log. Pure.
 *
 * A line the agent managed to get into the log could only add a refusal, never hide one.
 */
import type { Denial } from '../types/stages.js'

/**
 * A network request the CLI's sandbox proxy refused, as the CLI logs it to its debug file
 * (`--debug-file`, written by the CLI process itself into Airlock's private folder, which no
 * sandboxed command can write):
 * `2026-11-27T04:15:05.994Z [DEBUG] [sandbox] Blocked network request to evil.example (allowManagedDomainsOnly)`.
 */
const BLOCKED =
  /^\d{4}-\d\d-\d\dT[\d:.]+Z \[[A-Z]+\] \[sandbox\] Blocked network request to (\S{1,300}) \(([^)]{0,100})\)$/

/** At most this many refusals are kept: an agent in a loop must not grow the report without end. */
export const MAX_SANDBOX_DENIALS = 1000

/**
 * The sandbox's network refusals in some lines of the CLI's debug log. Pure.
 *
 * A line the agent managed to get into the log could only add a refusal, never hide one, so a
 * forgery can fail the check (`fail-on: denial`) but never pass it.
 */
export function sandboxDenials(lines: Iterable<string>, limit = MAX_SANDBOX_DENIALS): Denial[] {
  const out: Denial[] = []
  for (const line of lines) {
    if (out.length >= limit) break
    const match = BLOCKED.exec(line)
    if (match === null) continue
    out.push({
      source: 'sandbox',
      tool: 'Bash',
      target: match[1] ?? '',
      reason: `network request refused by the sandbox (${match[2] ?? ''})`,
    })
  }
  return out
}

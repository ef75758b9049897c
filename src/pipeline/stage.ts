/**
 * The pipeline's stages as the log shows them: each in its log group (when it has one) and timed
 * for the closing `Timings:` line. I/O: writes the log.
 */
import * as core from '@actions/core'

/** The stages, in the order they run; the names are the `Timings:` line's. */
export type StageName =
  | 'guard'
  | 'strip'
  | 'lock'
  | 'baseline snapshot'
  | 'CLI'
  | 'agent'
  | 'restore'
  | 'audit'
  | 'report'

/** The log group each stage's lines are folded into; a stage not listed logs at the top level. */
const GROUPS: Partial<Record<StageName, string>> = {
  guard: 'Guard: is this runner isolated?',
  lock: 'Lock: managed settings, sandbox, policy hook',
  agent: 'Run: the agent (its output cannot issue workflow commands)',
  audit: 'Audit: what the agent changed',
}

/** Runs the stages and remembers how long each took. */
export interface Stages {
  /**
   * Runs `body` as the stage `name`, in its log group, and records how long it took when it
   * succeeds (a stage that throws is not timed). Returns what `body` returns.
   */
  stage: <T>(name: StageName, body: () => T | Promise<T>) => Promise<T>
  /** The `Timings:` line: every stage that finished, in order, with its duration. */
  timings: () => string
}

/** A fresh set of timings; `now` is the clock (milliseconds). */
export function stages(now: () => number = Date.now): Stages {
  const timings: [StageName, number][] = []
  return {
    async stage<T>(name: StageName, body: () => T | Promise<T>): Promise<T> {
      const since = now()
      const title = GROUPS[name]
      const result =
        title === undefined ? await body() : await core.group(title, async () => body())
      timings.push([name, now() - since])
      return result
    },
    timings: () =>
      `Timings: ${timings.map(([stage, ms]) => `${stage} ${formatMs(ms)}`).join(' · ')}`,
  }
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

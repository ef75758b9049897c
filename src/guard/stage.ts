/**
 * Guard, as a pipeline stage: is this runner isolated? Prints every piece of evidence and the
 * verdict, and refuses a runner that is not, before anything is changed. I/O: reads the probe
 * files, writes the log (the decision itself, `decideIsolation`, is pure).
 */
import * as core from '@actions/core'
import { Refusal } from '../pipeline/errors.js'
import type { IsolationMode, IsolationVerdict } from '../types/stages.js'
import { decideIsolation, detectIsolation } from './isolation.js'
import { readProbe } from './probe.js'

/** Looks at the runner and decides, by the `isolation` input, whether the agent may run on it. */
export function checkIsolation(mode: IsolationMode): IsolationVerdict {
  const result = decideIsolation(detectIsolation(readProbe()), mode)
  for (const line of result.evidence) core.info(line)
  core.info(
    result.allowed
      ? `Runner: ${result.kind} (allowed by isolation: ${mode})`
      : `Refused: ${result.reason ?? ''}`,
  )
  return result
}

/**
 * Throws a {@link Refusal} unless `verdict` allows the agent; warns when `isolation: none`
 * skipped the check.
 */
export function requireIsolation(verdict: IsolationVerdict, mode: IsolationMode): void {
  if (!verdict.allowed) throw new Refusal(verdict.reason ?? 'This runner is not isolated.')
  if (mode === 'none')
    core.warning(
      'isolation: none — the isolation check was skipped; the agent may run on a shared machine.',
    )
}

/**
 * Cancel: the runner signals the step (SIGINT, then SIGTERM) when the job is cancelled. Airlock
 * then ends the agent and puts back what the restore plan records before exiting, so the runner
 * is restored even before the post step runs. I/O.
 */
import * as core from '@actions/core'
import { restoreRunner, type RestorePlan } from '../restore/index.js'

/** Where the signals come from (the process; a fake in tests). */
export interface SignalSource {
  once(signal: 'SIGINT' | 'SIGTERM', handler: (signal: NodeJS.Signals) => void): unknown
}

/**
 * From now on, the first SIGINT or SIGTERM puts back what `plan` records at that moment (nothing
 * when it is not open yet), passing each warning to `warn`, then calls `exit`.
 */
export function onCancel(
  plan: RestorePlan,
  warn: (warning: string) => void,
  signals: SignalSource = process,
  exit: () => void = () => process.exit(1),
): void {
  const handler = (signal: NodeJS.Signals): void => {
    core.warning(`Airlock received ${signal}: stopping the agent and restoring the runner.`)
    if (!plan.isOpen) {
      exit()
      return
    }
    void restoreRunner(plan, 'end', warn).then(exit, exit)
  }
  signals.once('SIGINT', handler)
  signals.once('SIGTERM', handler)
}

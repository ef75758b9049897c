/**
 * The post step: the safety net after a crash, timeout or cancel. Reads the restore plan `main`
 * saved in action state and puts back whatever `main` had not, through the same restore path.
 * Idempotent; never throws and never fails the job (a problem is a warning naming what is left to
 * do by hand). I/O.
 */
import * as core from '@actions/core'
import { RestorePlan, restoreRunner } from '../restore/index.js'
import { errorMessage } from './errors.js'

/** Ends any agent process still running and puts back what `main` had not put back yet. */
export async function runPost(): Promise<void> {
  try {
    const plan = RestorePlan.loadPending()
    if (plan === null) {
      core.info('Airlock: nothing left to restore.')
      return
    }
    await restoreRunner(plan, 'post', (warning) => {
      core.warning(`Airlock post step: ${warning}`)
    })
  } catch (error) {
    core.warning(
      `Airlock post step could not finish restoring (${errorMessage(error)}); check /etc/claude-code and the repository's .git/config by hand.`,
    )
  }
}

import * as core from '@actions/core'
import { State } from '../inputs/contract.js'
import { loadPlan, restoreAll } from '../restore/restore.js'

/**
 * The safety net after a crash, timeout or cancel: ends any agent process still running and puts
 * back whatever `main` had not put back yet. Idempotent; never throws and never fails the job
 * (a problem is a warning naming what is left to do by hand).
 */
export async function runPost(): Promise<void> {
  try {
    const plan = loadPlan()
    if (plan === null || core.getState(State.Restored) === 'true') {
      core.info('Airlock: nothing left to restore.')
      return
    }
    const warnings = await restoreAll(plan, { removePrivateDir: true })
    for (const warning of warnings) core.warning(`Airlock post step: ${warning}`)
    core.info(
      warnings.length === 0
        ? 'Airlock: the runner is back as it was (managed settings, git credentials, temp folders).'
        : 'Airlock: some changes could not be put back; see the warnings above.',
    )
  } catch (error) {
    core.warning(
      `Airlock post step could not finish restoring (${error instanceof Error ? error.message : 'unknown error'}); check /etc/claude-code and the repository's .git/config by hand.`,
    )
  }
}

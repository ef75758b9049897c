/**
 * Restore: the one path that puts the runner back, used right after the agent, at the end of
 * `main`, on cancel and by the post step. Never throws; what cannot be put back is a warning that
 * names what is left to do by hand. I/O.
 */
import { rmSync } from 'node:fs'
import * as core from '@actions/core'
import { endAgentProcesses } from '../agent/index.js'
import { readCredentialsChange, restoreGitCredentials } from '../strip/index.js'
import { privilegedFsFor, restoreManagedSettings, setSysctl } from '../lock/index.js'
import { NOTHING_TO_PUT_BACK, type PlanRecord, type RestorePlan } from './plan.js'
import { errorMessage } from '../pipeline/errors.js'

/**
 * Puts back everything in the plan: ends any agent process still running, restores the managed
 * settings and git credentials byte for byte, removes the agent's temp folder (and, when asked,
 * the private folder). Idempotent, never
 * throws; returns warnings (one sentence each). The private folder is kept when something could
 * not be restored, so that a later attempt still has the backups.
 */
async function restoreAll(
  plan: PlanRecord,
  options: { removePrivateDir: boolean },
): Promise<string[]> {
  const warnings: string[] = []
  if (plan.agentPid !== null) {
    const left = await endAgentProcesses(plan.agentPid)
    if (left > 0) warnings.push(`${left} agent processes could not be ended.`)
  }
  if (plan.settings !== null) {
    const fs = privilegedFsFor(plan.settings.useSudo)
    warnings.push(...(await restoreManagedSettings(plan.settings, fs)))
  }
  if (plan.sysctl !== null) {
    try {
      await setSysctl(plan.sysctl.key, plan.sysctl.value, plan.sysctl.useSudo)
    } catch {
      warnings.push(
        `Could not set ${plan.sysctl.key} back to ${plan.sysctl.value}; run sudo sysctl -w ${plan.sysctl.key}=${plan.sysctl.value}.`,
      )
    }
  }
  let credentials = plan.credentials
  if (credentials === null && plan.credentialsBackupDir !== null) {
    try {
      credentials = await readCredentialsChange(plan.credentialsBackupDir)
    } catch (error) {
      warnings.push(`Could not read the git credentials backup: ${errorMessage(error)}`)
    }
  }
  if (credentials !== null) warnings.push(...(await restoreGitCredentials(credentials)))
  try {
    rmSync(plan.agentTmp, { recursive: true, force: true })
  } catch {
    warnings.push(`Could not remove the agent's temp folder ${plan.agentTmp}.`)
  }
  if (options.removePrivateDir && warnings.length === 0) {
    try {
      rmSync(plan.privateDir, { recursive: true, force: true })
    } catch {
      warnings.push(`Could not remove Airlock's private folder ${plan.privateDir}.`)
    }
  }
  return warnings
}

/**
 * When the runner is put back, which decides what is kept for later:
 * - `after-agent`: the agent and everything it started are gone; the private folder stays (the
 *   audit reads it) and the plan then records nothing else to put back, unless something could
 *   not be put back: then the plan keeps everything, for the end of main and the post step;
 * - `end`: `main` ends (or is cancelled); the private folder is removed and the state marked
 *   restored when everything went back;
 * - `post`: the post step's safety net; it says in the log whether everything went back.
 */
export type RestoreMoment = 'after-agent' | 'end' | 'post'

/**
 * Puts back everything `plan` records (nothing when it was never opened), once the change being
 * made, if any, is done, and passes each warning (one sentence) to `warn`. Never throws; returns
 * the warnings.
 */
export async function restoreRunner(
  plan: RestorePlan,
  moment: RestoreMoment,
  warn: (warning: string) => void,
): Promise<string[]> {
  if (!plan.isOpen) return []
  await plan.changeMade() // a cancel can come while a change is being made: let it finish first
  const warnings = await restoreAll(plan.recorded, { removePrivateDir: moment !== 'after-agent' })
  for (const warning of warnings) warn(warning)
  if (moment === 'after-agent') {
    if (warnings.length === 0) {
      plan.record(NOTHING_TO_PUT_BACK)
      core.info('Restore: managed settings and git credentials are back as they were.')
    } else {
      // Kept in the plan (and its backups in the private folder): the end of main and the post
      // step try again. Putting back is idempotent.
      core.info('Restore: some changes could not be put back; they are tried again at the end.')
    }
  } else if (moment === 'end') {
    if (warnings.length === 0) plan.markRestored()
  } else {
    core.info(
      warnings.length === 0
        ? 'Airlock: the runner is back as it was (managed settings, git credentials, temp folders).'
        : 'Airlock: some changes could not be put back; see the warnings above.',
    )
  }
  return warnings
}

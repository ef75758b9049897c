import { rmSync } from 'node:fs'
import * as core from '@actions/core'
import { endAgentProcesses } from '../agent/index.js'
import { State } from '../inputs/contract.js'
import {
  readCredentialsChange,
  restoreGitCredentials,
  type CredentialsChange,
} from '../strip/git-credentials.js'
import { privilegedFsFor, setSysctl } from '../lock/privileged-write.js'
import { restoreManagedSettings, type SettingsChange } from '../lock/managed-settings.js'

/**
 * Everything the action changed on the runner, recorded in state *before* each change, so that
 * `main` (right after the agent is gone) or the post step (after a crash, timeout or cancel) can
 * put it back. Plain JSON; holds paths, never a secret.
 */
export interface RestorePlan {
  /** The action's private folder: policy, logs, backups. Removed last. */
  privateDir: string
  /** The agent's temp folder. */
  agentTmp: string
  /** The CLI's pid (its process group and session) once started. */
  agentPid: number | null
  /** Set before the managed settings are touched. */
  settings: SettingsChange | null
  /** Where checkout's credentials were backed up (its manifest is written before any change). */
  credentialsBackupDir: string | null
  credentials: CredentialsChange | null
  /** A kernel parameter changed for the sandbox, and the value to put back. */
  sysctl: { key: string; value: string; useSudo: boolean } | null
}

/** Records the plan in action state (the post step reads it as `STATE_…`). */
export function savePlan(plan: RestorePlan): void {
  core.saveState(State.RestorePlan, JSON.stringify(plan))
}

/** The plan saved by `main`, or null when there is none (main never got that far). */
export function loadPlan(): RestorePlan | null {
  const raw = core.getState(State.RestorePlan)
  if (raw === '') return null
  try {
    return { sysctl: null, ...(JSON.parse(raw) as Partial<RestorePlan>) } as RestorePlan
  } catch {
    return null
  }
}

/**
 * Puts back everything in the plan: ends any agent process still running, restores the managed
 * settings and git credentials byte for byte, removes the agent's temp folder (and, when asked,
 * the private folder). Idempotent, never
 * throws; returns warnings (one sentence each). The private folder is kept when something could
 * not be restored, so that a later attempt still has the backups.
 */
export async function restoreAll(
  plan: RestorePlan,
  options: { removePrivateDir: boolean },
): Promise<string[]> {
  const warnings: string[] = []
  if (plan.agentPid !== null) {
    const left = await endAgentProcesses(plan.agentPid)
    if (left > 0) warnings.push(`${left} agent processes could not be ended.`)
  }
  if (plan.settings !== null) {
    warnings.push(...restoreManagedSettings(plan.settings, privilegedFsFor(plan.settings.useSudo)))
  }
  if (plan.sysctl !== null) {
    try {
      setSysctl(plan.sysctl.key, plan.sysctl.value, plan.sysctl.useSudo)
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
      warnings.push(
        `Could not read the git credentials backup: ${error instanceof Error ? error.message : 'unknown error'}`,
      )
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

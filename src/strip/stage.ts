/**
 * Strip, as a pipeline stage: what the agent must not have is taken from it before it starts. Its
 * environment is built from an allowlist (the removed values are masked and redacted), and the git
 * credentials earlier steps persisted are taken away for the run, recorded in the restore plan.
 * I/O: writes the log, changes git config files (the filter itself is pure).
 */
import os from 'node:os'
import * as core from '@actions/core'
import type { Config, RunnerEnv } from '../inputs/index.js'
import type { RestorePlan } from '../restore/index.js'
import type { Redactor } from '../secrets/index.js'
import {
  buildAgentEnvironment,
  describeEnvironment,
  type AgentEnvironmentBuild,
} from './environment.js'
import { neutralizeGitCredentials } from './credentials/index.js'

/**
 * The agent's environment, built from `source` (the action's whole environment) by the
 * `pass-env` and `strip-env` inputs. Every removed value is added to `redactor`; those that are
 * or look like a credential are also masked in the log (paths and URLs the runner set are not).
 */
export function stripEnvironment(
  source: Readonly<Record<string, string | undefined>>,
  config: Config,
  redactor: Redactor,
): AgentEnvironmentBuild {
  const environment = buildAgentEnvironment(source, {
    passEnv: config.passEnv,
    stripEnv: config.stripEnv,
  })
  for (const value of environment.strippedValues) redactor.add(value)
  for (const value of environment.maskedValues) core.setSecret(value)
  core.info(`Strip: ${describeEnvironment(environment)}`)
  return environment
}

/**
 * Takes away the git credentials persisted for `workspace` and in the runner user's home, backed
 * up in the plan's backup folder (whose manifest is written before any change) and recorded in
 * the plan once taken.
 */
export async function takeGitCredentials(
  workspace: string,
  plan: RestorePlan,
  runner: RunnerEnv,
): Promise<void> {
  const home = runner.HOME ?? os.homedir()
  const credentials = await neutralizeGitCredentials(workspace, plan.credentialsBackupDir ?? '', {
    home,
    ...(runner.RUNNER_TEMP !== undefined ? { runnerTemp: runner.RUNNER_TEMP } : {}),
  })
  plan.record({ credentials })
  core.info(
    credentials.removed.length > 0
      ? `Strip: git credentials taken away for the run: ${credentials.removed.join('; ')}`
      : 'Strip: no persisted git credentials found',
  )
}

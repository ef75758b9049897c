/**
 * Lock, as a pipeline stage: decides the OS sandbox, builds the lock (managed settings, the
 * hook's policy, the tool list) from the config and where things are on this runner, validates
 * it, and installs it as the machine's managed settings. Every change to the runner (a kernel
 * parameter, the managed settings) is recorded in the restore plan before it is made; a lock
 * that cannot be put in force is a refusal. I/O (the lock itself is built by the pure `buildLock`).
 */
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { realpathLoose } from '../hook/index.js'
import type { Config, RunnerEnv } from '../inputs/index.js'
import { Refusal } from '../pipeline/errors.js'
import type { LockSummary } from '../report/index.js'
import type { RestorePlan } from '../restore/index.js'
import { installManagedSettings, planSettingsChange } from './managed-settings.js'
import { buildLock, type Lock, type SandboxSetting } from './policy.js'
import { validateManagedSettings } from './settings-schema.js'
import {
  APPARMOR_USERNS_SYSCTL,
  hasPasswordlessSudo,
  isRoot,
  privilegedFs,
  setSysctl,
} from './privileged-write.js'
import { findRunnerRoot, runnerPrivatePaths } from './runner-files.js'
import {
  capDropWrapper,
  decideSandbox,
  findProgram,
  probeSandbox,
  type SandboxDecision,
} from './sandbox.js'

/**
 * Decides the sandbox, builds and validates the lock, and writes it as the managed settings
 * (recorded in `plan` first). `agentEnv` is the agent's environment (its `HOME`), `runner` the
 * runner's variables (the files to deny). Rejects with a {@link Refusal} when the lock cannot be
 * put in force; every command that changes the runner is echoed to the log.
 */
export async function installLock(
  config: Config,
  plan: RestorePlan,
  agentEnv: Record<string, string>,
  runner: RunnerEnv,
): Promise<Lock> {
  const sandbox = await chooseSandbox(config, plan)
  const fs = privilegedFs()
  if (fs === null) {
    throw new Refusal(
      'Airlock cannot write /etc/claude-code (not root and no passwordless sudo); run the job as root, in a container, or on a runner with passwordless sudo.',
    )
  }
  const home = agentEnv.HOME ?? os.homedir()
  const { secretFiles, runnerFiles } = deniedFiles(runner)
  const nonce = randomBytes(24).toString('hex')
  const bwrapPath = capDropBwrap(sandbox.setting, plan.privateDir)
  // The hook compares real paths (symlinks resolved), so every place it guards is given as one.
  const real = realpathLoose
  const runnerTemp = runner.RUNNER_TEMP
  const lock = buildLock(
    { ...config, allowWrite: config.allowWrite.map(real) },
    {
      workspace: real(config.workspace),
      home: real(home),
      runnerTemp: runnerTemp !== undefined ? real(runnerTemp) : null,
      privateDir: real(plan.privateDir),
      agentTmp: real(plan.agentTmp),
      secretFiles: [...new Set([...secretFiles, ...secretFiles.map(real)])],
      runnerFiles: [...new Set([...runnerFiles, ...runnerFiles.map(real)])],
      node: process.execPath,
      hookScript: hookScriptPath(),
    },
    { nonce, sandbox: sandbox.setting, ...(bwrapPath !== undefined ? { bwrapPath } : {}) },
  )
  const problems = validateManagedSettings(lock.settings)
  if (problems.length > 0) {
    throw new Refusal(
      `The lock failed validation (${problems.slice(0, 3).join('; ')}); this is a bug in Airlock, please report it.`,
    )
  }
  writeFileSync(path.join(plan.privateDir, 'policy.json'), JSON.stringify(lock.hookPolicy), {
    mode: 0o600,
  })
  const settings = planSettingsChange(plan.privateDir, fs.viaSudo)
  await plan.willChange({ settings }, () =>
    installManagedSettings(settings, lock.settings, plan.privateDir, fs),
  )
  core.info(
    `Lock: ${lock.denyRules.length} deny rules, tools ${lock.tools.join(', ')}, allowed domains: ${config.allowedDomains.join(', ') || 'none'}`,
  )
  return lock
}

/**
 * What the report shows of the lock: before it is installed (`lock` null) the sandbox is off and
 * there are no deny rules; `hookVerified` once the managed hooks proved they were loaded.
 */
export function lockSummary(config: Config, lock: Lock | null, hookVerified = false): LockSummary {
  return {
    sandbox:
      lock === null || !lock.settings.sandbox.enabled
        ? 'off'
        : lock.settings.sandbox.enableWeakerNestedSandbox === true
          ? 'weaker-nested'
          : 'on',
    allowedDomains: [...config.allowedDomains],
    denyRules: lock?.denyRules.length ?? 0,
    hookVerified,
  }
}

/**
 * Probes the sandbox and decides by the `sandbox` input; refuses when it must run and cannot. On
 * GitHub-hosted Ubuntu 24.04 first lifts the AppArmor restriction it needs (recorded in `plan`).
 */
async function chooseSandbox(config: Config, plan: RestorePlan): Promise<SandboxDecision> {
  let full = config.sandbox === 'off' ? null : probeSandbox(false)
  if (
    full !== null &&
    !full.ok &&
    full.apparmorRestrictsUserns &&
    !isRoot() &&
    hasPasswordlessSudo()
  ) {
    // GitHub-hosted Ubuntu 24.04: AppArmor forbids the user namespaces bubblewrap needs. The VM is
    // the job's own and the runner has passwordless sudo: lift it for the run, put it back after.
    await plan.willChange(
      { sysctl: { key: APPARMOR_USERNS_SYSCTL, value: '1', useSudo: true } },
      () => setSysctl(APPARMOR_USERNS_SYSCTL, '0', true),
    )
    core.info(
      `Sandbox: AppArmor forbade the user namespaces the sandbox needs; set ${APPARMOR_USERNS_SYSCTL}=0 with sudo for this run (it is put back afterwards).`,
    )
    full = probeSandbox(false)
  }
  const weaker = config.sandbox === 'best-effort' && full?.ok !== true ? probeSandbox(true) : null
  const sandbox = decideSandbox(config.sandbox, full, weaker)
  for (const warning of sandbox.warnings) core.warning(warning)
  if (sandbox.refusal !== null) throw new Refusal(sandbox.refusal)
  core.info(`Sandbox: ${sandbox.setting}`)
  return sandbox
}

/**
 * The files the agent may not read besides the lock's own list: credentials files earlier steps
 * named, the runner's file commands and, on a self-hosted runner, its installation's private files.
 */
function deniedFiles(runner: RunnerEnv): { secretFiles: string[]; runnerFiles: string[] } {
  const secretFiles = [
    runner.GOOGLE_APPLICATION_CREDENTIALS,
    runner.AWS_SHARED_CREDENTIALS_FILE,
    runner.KUBECONFIG,
  ].filter((p): p is string => typeof p === 'string' && p.startsWith('/'))
  const runnerFiles = [
    runner.GITHUB_ENV,
    runner.GITHUB_PATH,
    runner.GITHUB_OUTPUT,
    runner.GITHUB_STATE,
    runner.GITHUB_STEP_SUMMARY,
    runner.GITHUB_EVENT_PATH,
  ].filter((p): p is string => typeof p === 'string' && p.startsWith('/'))
  const runnerRoot = findRunnerRoot()
  if (runnerRoot !== null) {
    runnerFiles.push(...runnerPrivatePaths(runnerRoot))
    core.info(
      `Lock: the runner's installation at ${runnerRoot} has its credentials and _diag logs denied to the agent`,
    )
  }
  return { secretFiles, runnerFiles }
}

/**
 * As root, the wrapper that starts bubblewrap without capabilities (written to the private
 * folder), or undefined when not root, the sandbox is off or bwrap is not installed.
 */
function capDropBwrap(sandbox: SandboxSetting, privateDir: string): string | undefined {
  const bwrap = findProgram('bwrap')
  if (!(isRoot() && sandbox !== 'off' && bwrap !== null)) return undefined
  const bwrapPath = path.join(privateDir, 'bwrap-cap-drop')
  writeFileSync(bwrapPath, capDropWrapper(bwrap), { mode: 0o755 })
  core.info(
    'Sandbox: running as root, so sandboxed commands get no capabilities (bwrap --cap-drop ALL).',
  )
  return bwrapPath
}

function hookScriptPath(): string {
  // dist/main/index.js → dist/hook/index.js
  return path.resolve(path.dirname(process.argv[1] ?? '.'), '..', 'hook', 'index.js')
}

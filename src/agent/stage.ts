/**
 * Install and Run, as pipeline stages: the pinned CLI is resolved (installed once into the tool
 * cache), then started with the lock's flags and environment, its output fenced so that nothing it
 * prints can issue a workflow command, its pid recorded in the restore plan as soon as it exists.
 * I/O: starts the CLI, writes the log.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import type { Config, RunnerEnv } from '../inputs/index.js'
import { MANAGED_SETTINGS_FILE, type Lock } from '../lock/index.js'
import type { RestorePlan } from '../restore/index.js'
import type { Redactor } from '../secrets/index.js'
import type { AgentRun } from '../types/stages.js'
import { resolveClaude } from './install/index.js'
import { agentRun, readHookLog, type HookLog } from './outcome.js'
import { runAgent, type AgentExit } from './run.js'

/** The CLI to run: `claude-path`, or the pinned version from the tool cache (installed if needed). */
export function installCli(config: Config, runner: RunnerEnv): Promise<string> {
  return resolveClaude({
    version: config.claudeVersion,
    claudePath: config.claudePath,
    toolCache: runner.RUNNER_TOOL_CACHE ?? path.join(os.homedir(), '.cache'),
    env: runner,
    log: core.info,
    warn: core.warning,
  })
}

/** Prints untrusted lines so the runner cannot take any of them as a workflow command. */
export class Fence {
  readonly #token = randomBytes(24).toString('hex')
  /** From here on the runner ignores workflow commands until {@link Fence.close}. */
  open(): void {
    process.stdout.write(`::stop-commands::${this.#token}\n`)
  }
  /** Workflow commands work again. */
  close(): void {
    process.stdout.write(`::${this.#token}::\n`)
  }
}

/** What the agent stage needs. */
export interface AgentStageOptions {
  claude: string
  config: Config
  lock: Lock
  plan: RestorePlan
  /** The agent's environment, as the strip stage built it. */
  env: Record<string, string>
  redactor: Redactor
  runner: RunnerEnv
}

/** How the agent's run went, as far as it is known before the runner is put back. */
export interface AgentRan {
  exit: AgentExit
  /** The run as the report shows it. */
  agent: AgentRun
  /** The lock was proven: the managed hooks' session started and no proof failed. */
  lockProven: boolean
  hookLog: HookLog
  /** Every line of the CLI's stream, redacted, for the transcript. */
  transcript: string[]
}

/**
 * Runs the CLI on the prompt with the lock's flags, in the workspace, its output fenced and
 * redacted; records its pid in `plan` as soon as it exists. Reads the hook's decision log once it
 * is over.
 */
export async function runAgentFenced(options: AgentStageOptions): Promise<AgentRan> {
  const { config, lock, plan, redactor } = options
  const transcript: string[] = []
  const fence = new Fence()
  fence.open()
  let exit: AgentExit
  try {
    exit = await runAgent({
      claudePath: options.claude,
      args: cliArgs(config, lock, cliDebugLog(plan.privateDir)),
      prompt: config.prompt,
      cwd: config.workspace,
      env: cliEnv(config, plan, options.env, options.runner.AIRLOCK_MODEL_MAX_RETRIES),
      timeoutMs: config.timeoutMinutes * 60_000,
      proof: {
        sessionFile: lock.hookPolicy.sessionFile,
        nonce: lock.hookPolicy.nonce,
        logFile: lock.hookPolicy.logFile,
        tools: lock.tools,
        settingsFile: MANAGED_SETTINGS_FILE,
        settingsText: readFileSync(path.join(plan.privateDir, 'managed-settings.json'), 'utf8'),
      },
      onSpawn: (pid) => {
        plan.record({ agentPid: pid })
      },
      onLine: (line) => {
        process.stdout.write(`${redactor.redact(line)}\n`)
      },
      onRawLine: (line) => {
        transcript.push(redactor.redact(line))
      },
    })
  } finally {
    fence.close()
  }
  const hookLog = readHookLog(lock.hookPolicy.logFile, redactor)
  return {
    exit,
    agent: agentRun(exit, redactor),
    lockProven: exit.lockBroken === null && hookLog.sessionStarted,
    hookLog,
    transcript,
  }
}

/** The CLI's debug log, in the private folder: the only record of the sandbox's network refusals. */
export function cliDebugLog(privateDir: string): string {
  return path.join(privateDir, 'cli-debug.log')
}

/** The CLI's arguments: print mode, no settings but the managed ones, the lock's tools. */
export function cliArgs(config: Config, lock: Lock, debugLog: string): string[] {
  return [
    '-p',
    '--dangerously-skip-permissions',
    '--setting-sources',
    '',
    '--strict-mcp-config',
    '--output-format',
    'stream-json',
    '--verbose',
    '--tools',
    lock.tools.join(','),
    ...(config.maxTurns !== null ? ['--max-turns', String(config.maxTurns)] : []),
    ...(config.model !== null ? ['--model', config.model] : []),
    '--debug-file',
    debugLog,
    ...config.claudeArgs,
  ]
}

/**
 * The CLI's environment: the stripped one, the model credential, its own temp and config folders
 * (in the plan's folders), and no auto-update, telemetry or error reporting.
 */
function cliEnv(
  config: Config,
  plan: RestorePlan,
  agentEnv: Record<string, string>,
  maxRetries: string | undefined,
): Record<string, string> {
  const configDir = path.join(plan.privateDir, 'claude-config')
  mkdirSync(configDir, { recursive: true, mode: 0o700 })
  return {
    ...agentEnv,
    [config.modelCredential.name]: config.modelCredential.value,
    ...(config.anthropicBaseUrl !== null ? { ANTHROPIC_BASE_URL: config.anthropicBaseUrl } : {}),
    // The guard passed: the CLI may run skip-permissions as root (it refuses otherwise).
    IS_SANDBOX: '1',
    TMPDIR: plan.agentTmp,
    CLAUDE_CODE_TMPDIR: plan.agentTmp,
    CLAUDE_CONFIG_DIR: configDir,
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: maxRetries ?? '4',
  }
}

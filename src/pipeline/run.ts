import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs'
import { createInterface } from 'node:readline'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { actorOf, needsActorCheck, refuseActor } from '../inputs/actor.js'
import { runAgent, type AgentExit } from '../agent/index.js'
import {
  collectChanges,
  locateRepository,
  snapshotWorktree,
  type Repository,
  type Snapshot,
} from '../audit/audit.js'
import { InputError, readConfig, type Config } from '../inputs/config.js'
import { resolveClaude } from '../agent/index.js'
import { Outputs, State } from '../inputs/contract.js'
import { neutralizeGitCredentials } from '../strip/git-credentials.js'
import {
  buildAgentEnvironment,
  describeEnvironment,
  isCredentialName,
  type AgentEnvironmentBuild,
} from '../strip/environment.js'
import { decideIsolation, detectIsolation, readProbe } from '../guard/isolation.js'
import { buildLock, validateManagedSettings, type Lock } from '../lock/policy.js'
import { MANAGED_SETTINGS_FILE } from '../lock/defaults.js'
import {
  APPARMOR_USERNS_SYSCTL,
  hasPasswordlessSudo,
  isRoot,
  privilegedFs,
  setSysctl,
} from '../lock/privileged-write.js'
import { realpathLoose } from '../hook/realpath.js'
import { privilegedViolations, scanPrivilegedFiles } from '../audit/setuid-scan.js'
import { findRunnerRoot, runnerPrivatePaths } from '../lock/runner-files.js'
import { MAX_SANDBOX_DENIALS, sandboxDenials } from '../agent/index.js'
import { resolveProtectedPaths } from '../audit/protected-paths.js'
import type { LockSummary, ReportInput } from '../report/report.js'
import { restoreAll, savePlan, type RestorePlan } from '../restore/restore.js'
import { capDropWrapper, decideSandbox, findProgram, probeSandbox } from '../lock/sandbox.js'
import { looksLikeSecret, Redactor, secretScanner } from '../secrets/secrets.js'
import { installManagedSettings, planSettingsChange } from '../lock/managed-settings.js'
import type {
  AgentRun,
  AuditRecord,
  Conclusion,
  Denial,
  IsolationVerdict,
} from '../types/stages.js'

/** Why the action refused to run the agent; the message is the one sentence the user reads. */
class Refusal extends Error {
  override name = 'Refusal'
}

/** What the run produced so far; the report is rendered from whatever got filled in. */
interface Progress {
  config: Config | null
  isolation?: IsolationVerdict
  stripped: string[]
  lock?: LockSummary
  agent?: AgentRun
  audit?: AuditRecord
  denials: Denial[]
  refusal?: string
  agentFailure?: string
  /** How long each stage took, in order, for the log. */
  timings: [string, number][]
}

/** Records how long a stage took, counted from `since`. */
function timed(progress: Progress, stage: string, since: number): void {
  progress.timings.push([stage, Date.now() - since])
}

function outputDir(): string {
  const base = process.env.RUNNER_TEMP ?? os.tmpdir()
  return mkdtempSync(path.join(base, 'airlock-output-'))
}

/** Prints untrusted lines so the runner cannot take any of them as a workflow command. */
class Fence {
  readonly #token = randomBytes(24).toString('hex')
  open(): void {
    process.stdout.write(`::stop-commands::${this.#token}\n`)
  }
  close(): void {
    process.stdout.write(`::${this.#token}::\n`)
  }
}

/**
 * Runs the whole pipeline: guard, strip, lock, run, restore, audit, report. The only place that
 * fails the step. Whatever happens, the report is written and everything changed is put back.
 */
export async function run(): Promise<void> {
  const workspace = path.resolve(process.env.GITHUB_WORKSPACE ?? process.cwd())
  const redactor = new Redactor()
  const progress: Progress = { config: null, stripped: [], denials: [], timings: [] }
  let outDir: string | null = null
  onCancel(redactor)
  try {
    progress.config = readConfig(workspace)
    const config = progress.config
    outDir = outputDir()
    for (const value of [config.modelCredential.value, config.githubToken]) {
      if (value !== '') {
        core.setSecret(value)
        redactor.add(value)
      }
    }
    await checkActor(config)
    const prepared = await prepare(config, progress, redactor)
    await runAndAudit(config, prepared, progress, redactor, outDir)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    progress.refusal = redactor.redact(
      error instanceof Refusal || error instanceof InputError || progress.agent === undefined
        ? message
        : `Airlock could not audit the agent's changes: ${message}`,
    )
  } finally {
    const plan = activePlan
    if (plan !== null) {
      const warnings = await restoreAll(plan, { removePrivateDir: true })
      for (const warning of warnings) core.warning(redactor.redact(warning))
      if (warnings.length === 0) core.saveState(State.Restored, 'true')
    }
  }
  const reportStart = Date.now()
  await report(progress, redactor, outDir)
  timed(progress, 'report', reportStart)
  core.info(
    `Timings: ${progress.timings.map(([stage, ms]) => `${stage} ${formatMs(ms)}`).join(' · ')}`,
  )
}

/**
 * On comment- and review-triggered events, refuses (before anything is changed) an actor without
 * write access who is not in `allowed-actors`.
 */
async function checkActor(config: Config): Promise<void> {
  if (!needsActorCheck(process.env.GITHUB_EVENT_NAME ?? '')) return
  // Loaded only when needed: Octokit is most of what @actions/github weighs.
  const github = await import('@actions/github')
  const eventName = github.context.eventName
  const actor = actorOf(github.context.payload)
  let permission: string | null = null
  const listed = config.allowedActors.some(
    (name) => name.toLowerCase() === actor?.login.toLowerCase(),
  )
  if (actor !== null && !listed && config.githubToken !== '') {
    try {
      const { owner, repo } = github.context.repo
      const octokit = github.getOctokit(config.githubToken)
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
        owner,
        repo,
        username: actor.login,
      })
      permission = data.role_name || data.permission
    } catch {
      permission = null
    }
  }
  const refusal = refuseActor({ eventName, actor, permission, allowedActors: config.allowedActors })
  if (refusal !== null) throw new Refusal(refusal)
  core.info(
    `Actor: ${actor?.login ?? '?'} may start the agent (${listed ? 'allowed-actors' : (permission ?? '?')}).`,
  )
}

/** The plan of what to put back, once anything may have been changed (read by the cancel handler). */
let activePlan: RestorePlan | null = null

/**
 * On cancel the runner signals the step: end the agent and put everything back before exiting,
 * so the runner is restored even before the post step runs.
 */
function onCancel(redactor: Redactor): void {
  const handler = (signal: NodeJS.Signals): void => {
    const plan = activePlan
    core.warning(`Airlock received ${signal}: stopping the agent and restoring the runner.`)
    const finish = (): never => process.exit(1)
    if (plan === null) {
      finish()
      return
    }
    void restoreAll(plan, { removePrivateDir: true }).then((warnings) => {
      for (const warning of warnings) core.warning(redactor.redact(warning))
      if (warnings.length === 0) core.saveState(State.Restored, 'true')
      finish()
    }, finish)
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
}

/** What guard, strip and lock produced, for the run. */
interface Prepared {
  plan: RestorePlan
  environment: AgentEnvironmentBuild
  lock: Lock
  /** The snapshot's first question, already asked (see `locateRepository`). */
  located: Promise<Repository>
}

/** Guard, strip and lock. Records each change in state before making it. */
async function prepare(config: Config, progress: Progress, redactor: Redactor): Promise<Prepared> {
  // Guard
  let since = Date.now()
  const verdict = core.group('Guard: is this runner isolated?', () => {
    const result = decideIsolation(detectIsolation(readProbe()), config.isolation)
    for (const line of result.evidence) core.info(line)
    core.info(
      result.allowed
        ? `Runner: ${result.kind} (allowed by isolation: ${config.isolation})`
        : `Refused: ${result.reason ?? ''}`,
    )
    return Promise.resolve(result)
  })
  progress.isolation = await verdict
  timed(progress, 'guard', since)
  if (!progress.isolation.allowed)
    throw new Refusal(progress.isolation.reason ?? 'This runner is not isolated.')
  if (config.isolation === 'none')
    core.warning(
      'isolation: none — the isolation check was skipped; the agent may run on a shared machine.',
    )

  // Strip
  since = Date.now()
  const environment = buildAgentEnvironment(process.env, {
    passEnv: config.passEnv,
    stripEnv: config.stripEnv,
  })
  progress.stripped = environment.stripped
  for (const value of environment.strippedValues) redactor.add(value)
  // Masked in the log: what is or looks like a credential (paths and URLs the runner set are not).
  for (const name of environment.stripped) {
    const value = process.env[name] ?? ''
    const reason = environment.reasons[name]
    if (
      value.length >= 6 &&
      (reason === 'secret-value' || isCredentialName(name) || looksLikeSecret(value) !== null)
    ) {
      core.setSecret(value)
    }
  }
  core.info(`Strip: ${describeEnvironment(environment)}`)

  const base = process.env.RUNNER_TEMP ?? os.tmpdir()
  const privateDir = mkdtempSync(path.join(base, 'airlock-'))
  chmodSync(privateDir, 0o700)
  const agentTmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-agent-tmp-'))
  const plan: RestorePlan = {
    privateDir,
    agentTmp,
    agentPid: null,
    settings: null,
    credentialsBackupDir: path.join(privateDir, 'git-credentials'),
    credentials: null,
    sysctl: null,
  }
  savePlan(plan)
  activePlan = plan
  const home = process.env.HOME ?? os.homedir()
  plan.credentials = await neutralizeGitCredentials(
    config.workspace,
    plan.credentialsBackupDir ?? '',
    {
      home,
      ...(process.env.RUNNER_TEMP !== undefined ? { runnerTemp: process.env.RUNNER_TEMP } : {}),
    },
  )
  savePlan(plan)
  core.info(
    plan.credentials.removed.length > 0
      ? `Strip: git credentials taken away for the run: ${plan.credentials.removed.join('; ')}`
      : 'Strip: no persisted git credentials found',
  )
  timed(progress, 'strip', since)
  // The snapshot's first git process, started now so that it runs beside the lock: nothing the
  // lock does moves HEAD or the repository.
  const located = locateRepository(config.workspace)
  located.catch(() => undefined) // awaited by the snapshot; a refusal before it leaves it be
  since = Date.now()
  progress.lock = {
    sandbox: 'off',
    allowedDomains: [...config.allowedDomains],
    denyRules: 0,
    hookVerified: false,
  }
  const lock = await core.group('Lock: managed settings, sandbox, policy hook', () =>
    Promise.resolve(installLock(config, plan, environment.env)),
  )
  progress.lock = {
    sandbox: lock.settings.sandbox.enabled
      ? lock.settings.sandbox.enableWeakerNestedSandbox === true
        ? 'weaker-nested'
        : 'on'
      : 'off',
    allowedDomains: [...config.allowedDomains],
    denyRules: lock.denyRules.length,
    hookVerified: false,
  }
  timed(progress, 'lock', since)
  return { plan, environment, lock, located }
}

function hookScriptPath(): string {
  // dist/main/index.js → dist/hook/index.js
  return path.resolve(path.dirname(process.argv[1] ?? '.'), '..', 'hook', 'index.js')
}

/** Decides the sandbox, builds and validates the lock, writes it as managed settings. */
function installLock(config: Config, plan: RestorePlan, agentEnv: Record<string, string>): Lock {
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
    plan.sysctl = { key: APPARMOR_USERNS_SYSCTL, value: '1', useSudo: true }
    savePlan(plan)
    setSysctl(APPARMOR_USERNS_SYSCTL, '0', true)
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

  const fs = privilegedFs()
  if (fs === null) {
    throw new Refusal(
      'Airlock cannot write /etc/claude-code (not root and no passwordless sudo); run the job as root, in a container, or on a runner with passwordless sudo.',
    )
  }
  const home = agentEnv.HOME ?? os.homedir()
  const secretFiles = [
    process.env.GOOGLE_APPLICATION_CREDENTIALS,
    process.env.AWS_SHARED_CREDENTIALS_FILE,
    process.env.KUBECONFIG,
  ].filter((p): p is string => typeof p === 'string' && p.startsWith('/'))
  const runnerFiles = [
    'GITHUB_ENV',
    'GITHUB_PATH',
    'GITHUB_OUTPUT',
    'GITHUB_STATE',
    'GITHUB_STEP_SUMMARY',
    'GITHUB_EVENT_PATH',
  ]
    .map((name) => process.env[name])
    .filter((p): p is string => typeof p === 'string' && p.startsWith('/'))
  const runnerRoot = findRunnerRoot()
  if (runnerRoot !== null) {
    runnerFiles.push(...runnerPrivatePaths(runnerRoot))
    core.info(
      `Lock: the runner's installation at ${runnerRoot} has its credentials and _diag logs denied to the agent`,
    )
  }
  const nonce = randomBytes(24).toString('hex')
  let bwrapPath: string | undefined
  const bwrap = findProgram('bwrap')
  if (isRoot() && sandbox.setting !== 'off' && bwrap !== null) {
    bwrapPath = path.join(plan.privateDir, 'bwrap-cap-drop')
    writeFileSync(bwrapPath, capDropWrapper(bwrap), { mode: 0o755 })
    core.info(
      'Sandbox: running as root, so sandboxed commands get no capabilities (bwrap --cap-drop ALL).',
    )
  }
  // The hook compares real paths (symlinks resolved), so every place it guards is given as one.
  const real = realpathLoose
  const runnerTemp = process.env.RUNNER_TEMP
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
  plan.settings = planSettingsChange(plan.privateDir, fs.viaSudo)
  savePlan(plan)
  installManagedSettings(plan.settings, lock.settings, plan.privateDir, fs)
  core.info(
    `Lock: ${lock.denyRules.length} deny rules, tools ${lock.tools.join(', ')}, allowed domains: ${config.allowedDomains.join(', ') || 'none'}`,
  )
  return lock
}

/** The CLI's debug log, in the private folder: the only record of the sandbox's network refusals. */
function cliDebugLog(plan: RestorePlan): string {
  return path.join(plan.privateDir, 'cli-debug.log')
}

function cliArgs(config: Config, lock: Lock, debugLog: string): string[] {
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

function cliEnv(
  config: Config,
  plan: RestorePlan,
  agentEnv: Record<string, string>,
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
    CLAUDE_CODE_MAX_RETRIES: process.env.AIRLOCK_MODEL_MAX_RETRIES ?? '4',
  }
}

async function runAndAudit(
  config: Config,
  { plan, environment, lock, located }: Prepared,
  progress: Progress,
  redactor: Redactor,
  outDir: string,
): Promise<void> {
  let since = Date.now()
  const snapshotDir = path.join(plan.privateDir, 'snapshot')
  mkdirSync(snapshotDir, { recursive: true })
  const baseline: Snapshot = await snapshotWorktree(config.workspace, snapshotDir, located)
  // As root the agent keeps CAP_SETFCAP, and git records neither file capabilities nor setuid
  // bits: note which files are privileged now, to flag any the agent makes so.
  const privilegedBefore = isRoot() ? await scanPrivilegedFiles(config.workspace) : null
  if (privilegedBefore?.capabilitiesChecked === false) {
    core.warning(
      'File capabilities in the workspace will not be checked after the run: getcap is not installed (Debian/Ubuntu: apt-get install -y libcap2-bin).',
    )
  }
  timed(progress, 'baseline snapshot', since)
  since = Date.now()
  const claude = await resolveClaude({
    version: config.claudeVersion,
    claudePath: config.claudePath,
    toolCache: process.env.RUNNER_TOOL_CACHE ?? path.join(os.homedir(), '.cache'),
    env: process.env,
    log: core.info,
    warn: core.warning,
  })
  timed(progress, 'CLI', since)
  since = Date.now()

  const transcriptFile = path.join(outDir, 'transcript.jsonl')
  const transcript: string[] = []
  const fence = new Fence()
  core.startGroup('Run: the agent (its output cannot issue workflow commands)')
  fence.open()
  let exit: AgentExit
  try {
    exit = await runAgent({
      claudePath: claude,
      args: cliArgs(config, lock, cliDebugLog(plan)),
      prompt: config.prompt,
      cwd: config.workspace,
      env: cliEnv(config, plan, environment.env),
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
        plan.agentPid = pid
        savePlan(plan)
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
    core.endGroup()
  }
  timed(progress, 'agent', since)
  since = Date.now()
  // The agent and everything it started are gone: put the runner back before anything else.
  const hookLog = readHookLog(lock.hookPolicy.logFile, redactor)
  const warnings = await restoreAll(plan, { removePrivateDir: false })
  for (const warning of warnings) core.warning(redactor.redact(warning))
  plan.agentPid = null
  plan.settings = null
  plan.credentials = null
  plan.credentialsBackupDir = null
  plan.sysctl = null
  savePlan(plan)
  core.info('Restore: managed settings and git credentials are back as they were.')
  timed(progress, 'restore', since)

  progress.lock = {
    ...(progress.lock ?? { sandbox: 'off', allowedDomains: [], denyRules: 0 }),
    hookVerified: exit.lockBroken === null && hookLog.sessionStarted,
  }
  progress.agent = agentRun(exit, redactor)
  // A call the hook refused is also in the CLI's permission_denials: report it once, as the hook's.
  const byHook = new Set(hookLog.denials.map((d) => d.toolUseId))
  progress.denials = [
    ...exit.stream.denials
      .filter((d) => d.toolUseId === undefined || !byHook.has(d.toolUseId))
      .map((d) => ({ ...d, target: redactor.redact(d.target) })),
    ...hookLog.denials,
    ...(await readSandboxDenials(cliDebugLog(plan))).map((d) => ({
      ...d,
      target: redactor.redact(d.target),
    })),
  ]
  for (const line of transcript) writeFileSync(transcriptFile, `${line}\n`, { flag: 'a' })
  for (const entry of hookLog.entries) writeFileSync(transcriptFile, `${entry}\n`, { flag: 'a' })
  for (const denial of progress.denials.filter((d) => d.source === 'sandbox')) {
    const line = JSON.stringify({
      event: 'sandbox-refusal',
      target: denial.target,
      reason: denial.reason,
    })
    writeFileSync(transcriptFile, `${line}\n`, { flag: 'a' })
  }
  core.setOutput(Outputs.TranscriptFile, transcriptFile)

  if (exit.lockBroken !== null) {
    const said = exit.stderrTail.trim().split('\n').at(-1)?.slice(0, 200) ?? ''
    progress.refusal = redactor.redact(
      `The agent was stopped: ${exit.lockBroken}${said !== '' && exit.stream.init === null ? ` (the CLI said: ${said})` : ''}.`,
    )
  } else if (exit.timedOut) {
    progress.agentFailure = `The agent did not finish within timeout-minutes (${config.timeoutMinutes}) and was stopped.`
  } else if (exit.exitCode !== 0 || exit.stream.result?.isError === true) {
    progress.agentFailure = agentFailureReason(exit, redactor)
  }

  // Audit
  since = Date.now()
  const auditDir = path.join(plan.privateDir, 'audit')
  mkdirSync(auditDir, { recursive: true })
  const secretsScan = secretScanner(
    environment.strippedValues.concat(config.modelCredential.value, config.githubToken),
  )
  const patchFile = path.join(outDir, 'agent.patch')
  progress.audit = await core.group('Audit: what the agent changed', async () => {
    const record = await collectChanges(config.workspace, auditDir, baseline, {
      protectedPaths: resolveProtectedPaths(config.protectedPaths),
      workspace: config.workspace,
      scanAdded: secretsScan,
      patchFile,
    })
    if (privilegedBefore !== null) {
      const after = await scanPrivilegedFiles(config.workspace)
      record.violations.push(...privilegedViolations(privilegedBefore, after))
    }
    core.info(
      `Audit: ${count(record.files.length, 'file')} changed, ${count(record.commits.length, 'commit')}, ${count(record.violations.length, 'violation')}`,
    )
    return record
  })
  core.setOutput(Outputs.PatchFile, patchFile)
  const commits = progress.audit.commits.map((c) => ({
    sha: c.sha,
    subject: redactor.redact(c.subject),
  }))
  writeFileSync(transcriptFile, `${JSON.stringify({ type: 'airlock/commits', commits })}\n`, {
    flag: 'a',
  })
  timed(progress, 'audit', since)
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

function agentFailureReason(exit: AgentExit, redactor: Redactor): string {
  const result = exit.stream.result
  if (result?.subtype === 'error_max_turns') return 'The agent reached max-turns before finishing.'
  if (result?.apiErrorStatus !== null && result?.apiErrorStatus !== undefined) {
    return `The model API answered ${result.apiErrorStatus}; check anthropic-api-key and anthropic-base-url.`
  }
  const detail =
    result?.text ?? exit.stream.otherLines.at(-1) ?? exit.stderrTail.trim().split('\n').at(-1) ?? ''
  return redactor.redact(
    `The CLI exited with ${exit.exitCode === null ? `signal ${exit.signal ?? '?'}` : `code ${exit.exitCode}`}${detail !== '' ? `: ${detail.slice(0, 300)}` : ''}.`,
  )
}

function agentRun(exit: AgentExit, redactor: Redactor): AgentRun {
  const result = exit.stream.result
  return {
    exitCode: exit.exitCode,
    signal: exit.signal,
    timedOut: exit.timedOut,
    ...(exit.lockBroken !== null ? { killedReason: exit.lockBroken } : {}),
    ...(result !== null ? { subtype: result.subtype, isError: result.isError } : {}),
    ...(result?.numTurns !== null && result?.numTurns !== undefined
      ? { numTurns: result.numTurns }
      : {}),
    ...(result?.costUsd !== null && result?.costUsd !== undefined
      ? { costUsd: result.costUsd }
      : {}),
    durationMs: exit.durationMs,
    ...(result?.text !== null && result?.text !== undefined
      ? { result: redactor.redact(result.text) }
      : {}),
    denials: exit.stream.denials,
  }
}

/** The sandbox's network refusals from the CLI's debug log, read as a stream (it can be long). */
async function readSandboxDenials(file: string): Promise<Denial[]> {
  if (!existsSync(file)) return []
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
  const matching: string[] = []
  for await (const line of lines) {
    if (line.includes('[sandbox] Blocked network request')) matching.push(line)
    if (matching.length >= MAX_SANDBOX_DENIALS) break
  }
  lines.close()
  return sandboxDenials(matching)
}

interface HookLog {
  sessionStarted: boolean
  denials: Denial[]
  entries: string[]
}

function readHookLog(file: string, redactor: Redactor): HookLog {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return { sessionStarted: false, denials: [], entries: [] }
  }
  const log: HookLog = { sessionStarted: false, denials: [], entries: [] }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const redacted = redactor.redact(line)
    log.entries.push(redacted)
    try {
      const entry = JSON.parse(redacted) as {
        toolUseId?: string | null
        event?: string
        allow?: boolean
        tool?: string
        reason?: string
        target?: string
      }
      if (entry.event === 'session-start') log.sessionStarted = true
      if (entry.event === 'pre-tool-use' && entry.allow === false) {
        log.denials.push({
          source: 'hook',
          ...(typeof entry.toolUseId === 'string' ? { toolUseId: entry.toolUseId } : {}),
          tool: entry.tool ?? '?',
          target: entry.target ?? '',
          reason: entry.reason ?? '',
        })
      }
    } catch {
      // A line that is not JSON is kept in the transcript only.
    }
  }
  return log
}

/** Renders and posts the report, sets every output, fails the step when the policy says so. */
async function report(
  progress: Progress,
  redactor: Redactor,
  outDir: string | null,
): Promise<void> {
  // Loaded here, after the agent, not at start-up: the report's number formatting alone (ICU)
  // took 50 ms or more to set up.
  const { conclusionFor, renderReport, reportRecord, summaryLine, SUMMARY_LIMIT } =
    await import('../report/report.js')
  const { findPullRequestNumber, matrixKey, stickyMarker, upsertStickyComment } =
    await import('../report/sticky-comment.js')
  const config = progress.config
  const failOn = config?.failOn ?? 'violation'
  const violations = progress.audit?.violations ?? []
  const verdict = conclusionFor({
    refused: progress.refusal !== undefined,
    agentFailed: progress.agentFailure !== undefined,
    violations: violations.length,
    denials: progress.denials.length,
    failOn,
  })
  const conclusion: Conclusion = verdict.conclusion
  const reason = progress.refusal ?? progress.agentFailure
  const marker = stickyMarker(
    process.env.GITHUB_WORKFLOW ?? 'workflow',
    process.env.GITHUB_JOB ?? 'job',
    matrixKey(config?.matrix ?? ''),
  )
  const serverUrl = process.env.GITHUB_SERVER_URL ?? 'https://github.com'
  const runUrl =
    process.env.GITHUB_REPOSITORY !== undefined && process.env.GITHUB_RUN_ID !== undefined
      ? `${serverUrl}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
      : undefined
  const input: ReportInput = {
    conclusion,
    ...(reason !== undefined ? { reason } : {}),
    failOn,
    ...(progress.isolation !== undefined ? { isolation: progress.isolation } : {}),
    stripped: progress.stripped,
    ...(progress.lock !== undefined ? { lock: progress.lock } : {}),
    ...(progress.agent !== undefined ? { agent: progress.agent } : {}),
    ...(progress.audit !== undefined ? { audit: progress.audit } : {}),
    denials: progress.denials,
    ...(runUrl !== undefined ? { runUrl } : {}),
    marker,
    transcriptNote:
      'The whole session (tool calls, results, policy decisions, commits), redacted, is in the transcript-file output; upload it with actions/upload-artifact to keep it.',
  }
  const body = redactor.redact(renderReport(input))
  core.info(redactor.redact(summaryLine(input)))

  let commentUrl = ''
  try {
    await core.summary
      .addRaw(redactor.redact(renderReport(input, { limit: SUMMARY_LIMIT })))
      .write()
  } catch (error) {
    core.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : 'unknown error'}`,
    )
  }
  const changed = (progress.audit?.files.length ?? 0) > 0
  if (config !== null && config.comment !== 'never' && config.githubToken !== '') {
    try {
      // Loaded only here, after the agent: Octokit is most of what @actions/github weighs.
      const github = await import('@actions/github')
      const prNumber = findPullRequestNumber(github.context.eventName, github.context.payload)
      const wantComment =
        prNumber !== null && (config.comment === 'always' || changed || conclusion !== 'success')
      if (wantComment) {
        const octokit = github.getOctokit(config.githubToken)
        const { owner, repo } = github.context.repo
        const result = await upsertStickyComment(
          octokit,
          { owner, repo, issueNumber: prNumber, marker, body },
          { log: { info: core.info, warning: core.warning } },
        )
        if (result.warning !== undefined) core.warning(redactor.redact(result.warning))
        commentUrl = result.url ?? ''
      }
    } catch (error) {
      core.warning(
        redactor.redact(
          `Could not post the PR comment: ${error instanceof Error ? error.message : 'unknown error'}`,
        ),
      )
    }
  }

  for (const violation of violations) {
    core.error(redactor.redact(violation.detail), {
      title: `Airlock: ${violation.kind}`,
      ...(violation.path !== undefined ? { file: violation.path } : {}),
      ...(violation.line !== undefined ? { startLine: violation.line } : {}),
    })
  }

  const record = reportRecord(input)
  if (outDir !== null) {
    const reportFile = path.join(outDir, 'report.json')
    writeFileSync(reportFile, `${redactor.redact(JSON.stringify(record, null, 2))}\n`)
    core.setOutput(Outputs.ReportFile, reportFile)
  }
  core.setOutput(Outputs.Conclusion, conclusion)
  core.setOutput(Outputs.ExitCode, progress.agent?.exitCode ?? '')
  core.setOutput(Outputs.ChangedFiles, redactor.redact(JSON.stringify(progress.audit?.files ?? [])))
  core.setOutput(Outputs.Violations, redactor.redact(JSON.stringify(violations)))
  core.setOutput(Outputs.StrippedEnv, JSON.stringify(progress.stripped))
  core.setOutput(Outputs.PermissionDenials, String(progress.denials.length))
  core.setOutput(Outputs.CommentUrl, commentUrl)
  core.setOutput(Outputs.Result, progress.agent?.result ?? '')
  core.setOutput(
    Outputs.CostUsd,
    progress.agent?.costUsd !== undefined ? String(progress.agent.costUsd) : '',
  )
  core.setOutput(
    Outputs.Turns,
    progress.agent?.numTurns !== undefined ? String(progress.agent.numTurns) : '',
  )

  if (verdict.fail) {
    core.setFailed(
      redactor.redact(
        failureSentence(conclusion, reason, violations.length, progress.denials.length),
      ),
    )
  }
}

function failureSentence(
  conclusion: Conclusion,
  reason: string | undefined,
  violations: number,
  denials: number,
): string {
  switch (conclusion) {
    case 'refused':
      return `Airlock refused to run the agent: ${reason ?? 'see the log'}`
    case 'agent-failed':
      return `The agent failed: ${reason ?? 'see the log'} The report lists what it changed before it stopped.`
    case 'violation':
      return violations > 0
        ? `The agent broke the policy (${violations} violation${violations === 1 ? '' : 's'}); read the report before merging anything it changed.`
        : `The agent tried ${denials} blocked action${denials === 1 ? '' : 's'} (fail-on: denial); read the report.`
    default:
      return 'Airlock failed.'
  }
}

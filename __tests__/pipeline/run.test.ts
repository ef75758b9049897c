// run()'s wiring, with the stages replaced by stand-ins that log what they do: the order of the
// stages, what is saved to state before which change, that everything changed is put back exactly
// once whatever fails, and what the report is given. The restore path is the real one, down to the
// functions that touch the machine (managed settings, git credentials, agent processes).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { endAgentProcesses } from '../../src/agent/session.js'
import type { AgentRan } from '../../src/agent/stage.js'
import { installCli, runAgentFenced } from '../../src/agent/stage.js'
import { auditChanges, startLocating, takeBaseline, type Baseline } from '../../src/audit/stage.js'
import { checkIsolation } from '../../src/guard/stage.js'
import { checkActor } from '../../src/inputs/actor-check.js'
import { installLock } from '../../src/lock/install.js'
import { restoreManagedSettings, type SettingsChange } from '../../src/lock/managed-settings.js'
import type { Lock } from '../../src/lock/policy.js'
import { onCancel } from '../../src/pipeline/cancel.js'
import { Refusal } from '../../src/pipeline/errors.js'
import { run } from '../../src/pipeline/run.js'
import { publishReport, type RunFacts } from '../../src/report/publish.js'
import { RestorePlan } from '../../src/restore/plan.js'
import { restoreGitCredentials } from '../../src/strip/index.js'
import { stripEnvironment, takeGitCredentials } from '../../src/strip/stage.js'
import type { AuditRecord } from '../../src/types/stages.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())
vi.mock('../../src/pipeline/cancel.js', () => ({ onCancel: vi.fn() }))
vi.mock('../../src/inputs/actor-check.js', () => ({ checkActor: vi.fn() }))
vi.mock('../../src/guard/stage.js', async (original) => ({
  ...(await original<object>()),
  checkIsolation: vi.fn(),
}))
vi.mock('../../src/strip/stage.js', () => ({
  stripEnvironment: vi.fn(),
  takeGitCredentials: vi.fn(),
}))
vi.mock('../../src/lock/install.js', async (original) => ({
  ...(await original<object>()),
  installLock: vi.fn(),
}))
vi.mock('../../src/audit/stage.js', () => ({
  startLocating: vi.fn(),
  takeBaseline: vi.fn(),
  auditChanges: vi.fn(),
}))
vi.mock('../../src/agent/stage.js', async (original) => ({
  ...(await original<object>()),
  installCli: vi.fn(),
  runAgentFenced: vi.fn(),
}))
vi.mock('../../src/report/publish.js', () => ({ publishReport: vi.fn() }))
// What the restore path does to the machine.
vi.mock('../../src/agent/session.js', async (original) => ({
  ...(await original<object>()),
  endAgentProcesses: vi.fn(),
}))
vi.mock('../../src/lock/managed-settings.js', async (original) => ({
  ...(await original<object>()),
  restoreManagedSettings: vi.fn(),
}))
vi.mock('../../src/strip/credentials/index.js', async (original) => ({
  ...(await original<object>()),
  restoreGitCredentials: vi.fn(),
  readCredentialsChange: vi.fn(() => Promise.resolve(null)),
}))
vi.mock('../../src/lock/privileged-write.js', async (original) => ({
  ...(await original<object>()),
  isRoot: vi.fn(() => false),
  privilegedFsFor: vi.fn(() => ({})),
  setSysctl: vi.fn(),
}))

const fake = faked(core)
const log = fake.log
// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Zq7Lw2Xr6Vn1Pk9Hs3Jd7Fb5Gc0YaQm4Zt8'
const SETTINGS: SettingsChange = {
  useSudo: false,
  createdDir: true,
  backup: null,
  dropinMovedTo: null,
}
const LOCK = {
  settings: { sandbox: { enabled: true } },
  hookPolicy: { logFile: '/nonexistent/hook.log' },
  tools: ['Read', 'Bash'],
  denyRules: ['Read(//etc/shadow)', 'Bash(curl:*)'],
} as unknown as Lock
const AUDIT: AuditRecord = {
  baseline: { head: null, tree: 'a' },
  final: { head: null, tree: 'b' },
  commits: [],
  files: [
    {
      path: 'x.txt',
      status: 'added',
      additions: 1,
      deletions: 0,
      binary: false,
      newMode: '100644',
    },
  ],
  ignored: [],
  violations: [],
}
const RAN = {
  exit: {
    exitCode: 0,
    signal: null,
    timedOut: false,
    lockBroken: null,
    durationMs: 1200,
    stderrTail: '',
    stream: { init: {}, result: null, denials: [], otherLines: [] },
  },
  agent: { exitCode: 0, signal: null, timedOut: false, durationMs: 1200, denials: [] },
  lockProven: true,
  hookLog: { sessionStarted: true, denials: [], entries: [] },
  transcript: ['{"type":"system"}'],
} as unknown as AgentRan

let tmp: string
let source: NodeJS.ProcessEnv

/** The plan `run()` gave the stages (the one it handed to the cancel handler). */
function givenPlan(): RestorePlan {
  const plan = vi.mocked(onCancel).mock.calls[0]?.[0]
  if (plan === undefined) throw new Error('onCancel was not called')
  return plan
}

/** What run() gave the report. */
function reported(): RunFacts {
  expect(publishReport).toHaveBeenCalledTimes(1)
  return vi.mocked(publishReport).mock.calls[0]![0]
}

/** The log reduced to what the stages did and what was saved to state, in order. */
function milestones(): string[] {
  return log
    .filter((line) => !line.startsWith('info') || /^info (Restore|Timings)/.test(line))
    .map((line) =>
      line.startsWith('state airlock-restore-plan ')
        ? `save plan ${Object.entries(
            JSON.parse(line.slice('state airlock-restore-plan '.length)) as object,
          )
            .filter(([key, value]) => value !== null && !['privateDir', 'agentTmp'].includes(key))
            .map(([key]) => key)
            .join(',')}`
        : line.replace(/^info Timings: .*/, 'info Timings').replace(/^group (\w+).*/, 'group $1'),
    )
}

beforeEach(() => {
  vi.clearAllMocks()
  fake.reset()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-run-'))
  mkdirSync(path.join(tmp, 'ws'))
  mkdirSync(path.join(tmp, 'runner-temp'))
  source = {
    GITHUB_WORKSPACE: path.join(tmp, 'ws'),
    RUNNER_TEMP: path.join(tmp, 'runner-temp'),
    HOME: path.join(tmp, 'home'),
    GITHUB_WORKFLOW: 'ci',
  }
  fake.inputs.set('prompt', 'Fix the test')
  fake.inputs.set('anthropic-api-key', API_KEY)

  vi.mocked(checkActor).mockResolvedValue(undefined)
  vi.mocked(checkIsolation).mockImplementation(() => {
    log.push('guard')
    return { kind: 'container', evidence: ['/.dockerenv exists'], allowed: true }
  })
  vi.mocked(stripEnvironment).mockImplementation(() => {
    log.push('strip environment')
    return {
      env: { PATH: '/usr/bin' },
      stripped: ['CLOUD_TOKEN'],
      strippedValues: ['cloud-token-value'],
      maskedValues: ['cloud-token-value'],
      reasons: { CLOUD_TOKEN: 'secret-value' },
    }
  })
  vi.mocked(takeGitCredentials).mockImplementation((_workspace, plan) => {
    log.push('take git credentials')
    plan.record({
      credentials: { backupDir: plan.credentialsBackupDir ?? '', backups: [], removed: [] },
    })
    return Promise.resolve()
  })
  vi.mocked(installLock).mockImplementation(async (_config, plan) => {
    await plan.willChange({ settings: SETTINGS }, async () => {
      await new Promise((resolve) => setImmediate(resolve))
      log.push('install managed settings')
    })
    return LOCK
  })
  vi.mocked(startLocating).mockReturnValue(Promise.resolve({} as never))
  vi.mocked(takeBaseline).mockImplementation(() => {
    log.push('snapshot')
    return Promise.resolve({ snapshot: {}, privileged: null } as unknown as Baseline)
  })
  vi.mocked(installCli).mockImplementation(() => {
    log.push('install CLI')
    return Promise.resolve('/opt/claude')
  })
  vi.mocked(runAgentFenced).mockImplementation(({ plan }) => {
    plan.record({ agentPid: 4242 })
    log.push('agent')
    return Promise.resolve(RAN)
  })
  vi.mocked(auditChanges).mockImplementation(() => {
    log.push('audit')
    return Promise.resolve(structuredClone(AUDIT))
  })
  vi.mocked(publishReport).mockImplementation(() => {
    log.push('report')
    return Promise.resolve()
  })
  vi.mocked(endAgentProcesses).mockImplementation((pid) => {
    log.push(`end agent ${pid}`)
    return Promise.resolve(0)
  })
  vi.mocked(restoreManagedSettings).mockImplementation(async () => {
    await new Promise((resolve) => setImmediate(resolve))
    log.push('restore managed settings')
    return []
  })
  vi.mocked(restoreGitCredentials).mockImplementation(() => {
    log.push('restore git credentials')
    return Promise.resolve([])
  })
})

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('run()', () => {
  it('runs the stages in the threat model’s order, saving the plan before each change and putting everything back once', async () => {
    await run(source)
    expect(milestones()).toEqual([
      'secret', // the model key, masked before anything could print it
      'group Guard',
      'guard',
      'endgroup',
      'strip environment',
      'save plan credentialsBackupDir',
      'take git credentials',
      'save plan credentialsBackupDir,credentials',
      'group Lock',
      'save plan settings,credentialsBackupDir,credentials',
      'install managed settings',
      'endgroup',
      'snapshot',
      'install CLI',
      'group Run',
      'save plan agentPid,settings,credentialsBackupDir,credentials',
      'agent',
      'endgroup',
      'end agent 4242',
      'restore managed settings',
      'restore git credentials',
      'save plan ',
      'info Restore: managed settings and git credentials are back as they were.',
      'group Audit',
      'audit',
      'endgroup',
      'state airlock-restored true',
      'report',
      'info Timings',
    ])
    expect(log.at(-1)).toMatch(
      /^info Timings: guard \d+ ms · strip \d+ ms · lock \d+ ms · baseline snapshot \d+ ms · CLI \d+ ms · agent \d+ ms · restore \d+ ms · audit \d+ ms · report \d+ ms$/,
    )
    expect(restoreManagedSettings).toHaveBeenCalledTimes(1)
    expect(existsSync(givenPlan().privateDir)).toBe(false)
    expect(existsSync(givenPlan().agentTmp)).toBe(false)
  })

  it('records each stage’s result for the report', async () => {
    await run(source)
    const facts = reported()
    expect(facts.config?.prompt).toBe('Fix the test')
    expect(facts.isolation).toMatchObject({ kind: 'container', allowed: true })
    expect(facts.stripped).toEqual(['CLOUD_TOKEN'])
    expect(facts.lock).toEqual({
      sandbox: 'on',
      allowedDomains: [],
      denyRules: 2,
      hookVerified: true,
    })
    expect(facts.agent).toBe(RAN.agent)
    expect(facts.audit).toEqual(AUDIT)
    expect(facts.denials).toEqual([])
    expect(facts.refusal).toBeUndefined()
    expect(facts.agentFailure).toBeUndefined()
    expect(fake.outputs.get('transcript-file')).toMatch(/airlock-output-.*transcript\.jsonl$/)
    expect(fake.secrets).toContain(API_KEY)
  })

  it('hands the cancel handler the plan before anything is changed', async () => {
    vi.mocked(onCancel).mockImplementation((plan) => {
      expect(plan.isOpen).toBe(false)
    })
    await run(source)
    expect(onCancel).toHaveBeenCalledTimes(1)
    expect(vi.mocked(takeGitCredentials).mock.calls[0]?.[1]).toBe(givenPlan())
    expect(vi.mocked(installLock).mock.calls[0]?.[1]).toBe(givenPlan())
  })

  it('opens the plan, with the credentials backup folder, before the git credentials are taken', async () => {
    vi.mocked(takeGitCredentials).mockImplementation((_workspace, plan) => {
      const saved = JSON.parse(fake.state.get('airlock-restore-plan') ?? '{}') as {
        privateDir?: string
        credentialsBackupDir?: string
      }
      expect(saved.privateDir).toBe(plan.privateDir)
      expect(saved.credentialsBackupDir).toBe(path.join(plan.privateDir, 'git-credentials'))
      expect(existsSync(plan.privateDir)).toBe(true)
      return Promise.resolve()
    })
    await run(source)
    expect(takeGitCredentials).toHaveBeenCalledTimes(1)
  })

  it('refused by the guard: nothing is changed, nothing saved, and the report still says why', async () => {
    vi.mocked(checkIsolation).mockReturnValue({
      kind: 'bare-host',
      evidence: [],
      allowed: false,
      reason: 'This runner looks like a self-hosted machine.',
    })
    await run(source)
    expect(stripEnvironment).not.toHaveBeenCalled()
    expect(log.filter((line) => line.startsWith('state'))).toEqual([])
    expect(restoreManagedSettings).not.toHaveBeenCalled()
    expect(restoreGitCredentials).not.toHaveBeenCalled()
    const facts = reported()
    expect(facts.refusal).toBe('This runner looks like a self-hosted machine.')
    expect(facts.isolation?.allowed).toBe(false)
    expect(facts.lock).toBeUndefined()
    expect(log.at(-1)).toMatch(/^info Timings: guard \d+ ms · report \d+ ms$/)
  })

  it('refused for an input: the input’s sentence is the reason and no stage runs', async () => {
    fake.inputs.set('fail-on', 'sometimes')
    await run(source)
    expect(checkActor).not.toHaveBeenCalled()
    expect(checkIsolation).not.toHaveBeenCalled()
    const facts = reported()
    expect(facts.config).toBeNull()
    expect(facts.refusal).toMatch(/^Input 'fail-on' is 'sometimes', but it accepts only/)
    expect(vi.mocked(publishReport).mock.calls[0]![1].outDir).toBeNull()
    expect(log.filter((line) => line.startsWith('state'))).toEqual([])
  })

  it('refused by the lock: the git credentials are put back once, and the lock is reported as not in force', async () => {
    vi.mocked(installLock).mockRejectedValue(
      new Refusal('The sandbox is required but bubblewrap is not installed.'),
    )
    await run(source)
    expect(restoreGitCredentials).toHaveBeenCalledTimes(1)
    expect(restoreManagedSettings).not.toHaveBeenCalled()
    const facts = reported()
    expect(facts.refusal).toBe('The sandbox is required but bubblewrap is not installed.')
    expect(facts.lock).toEqual({
      sandbox: 'off',
      allowedDomains: [],
      denyRules: 0,
      hookVerified: false,
    })
    expect(fake.state.get('airlock-restored')).toBe('true')
  })

  it('a failure after the lock, before the agent: everything is put back exactly once, the message redacted', async () => {
    vi.mocked(takeBaseline).mockRejectedValue(new Error(`git could not read the tree (${API_KEY})`))
    await run(source)
    expect(installCli).not.toHaveBeenCalled()
    expect(endAgentProcesses).not.toHaveBeenCalled()
    expect(restoreManagedSettings).toHaveBeenCalledTimes(1)
    expect(restoreGitCredentials).toHaveBeenCalledTimes(1)
    const facts = reported()
    expect(facts.refusal).toBe('git could not read the tree ([REDACTED])')
    expect(fake.state.get('airlock-restored')).toBe('true')
    expect(existsSync(givenPlan().privateDir)).toBe(false)
    expect(milestones().slice(-5, -1)).toEqual([
      'restore managed settings',
      'restore git credentials',
      'state airlock-restored true',
      'report',
    ])
  })

  it('a failure in the audit, after the agent: reported as the audit’s, and the runner is not restored twice', async () => {
    vi.mocked(auditChanges).mockRejectedValue(new Error('git failed'))
    await run(source)
    expect(restoreManagedSettings).toHaveBeenCalledTimes(1)
    expect(endAgentProcesses).toHaveBeenCalledTimes(1)
    const facts = reported()
    expect(facts.refusal).toBe("Airlock could not audit the agent's changes: git failed")
    expect(facts.agent).toBe(RAN.agent)
    expect(facts.audit).toBeUndefined()
  })

  it('a warning while putting back at the end keeps the private folder and leaves the post step to retry', async () => {
    vi.mocked(takeBaseline).mockRejectedValue(new Error('boom'))
    vi.mocked(restoreManagedSettings).mockResolvedValue([
      `Could not remove /etc/claude-code/managed-settings.json: EACCES ${API_KEY}`,
    ])
    await run(source)
    expect(log).toContain(
      'warning Could not remove /etc/claude-code/managed-settings.json: EACCES [REDACTED]',
    )
    expect(fake.state.has('airlock-restored')).toBe(false)
    expect(existsSync(givenPlan().privateDir)).toBe(true)
    expect(reported().refusal).toBe('boom')
  })

  it('a lock the agent broke is a refusal; a failed CLI an agent failure', async () => {
    vi.mocked(runAgentFenced).mockResolvedValue({
      ...RAN,
      exit: { ...RAN.exit, lockBroken: 'the SessionStart hook did not run', exitCode: null },
    })
    await run(source)
    expect(reported().refusal).toBe('The agent was stopped: the SessionStart hook did not run.')

    vi.mocked(publishReport).mockClear()
    vi.mocked(runAgentFenced).mockResolvedValue({ ...RAN, exit: { ...RAN.exit, timedOut: true } })
    await run(source)
    expect(reported().agentFailure).toBe(
      'The agent did not finish within timeout-minutes (30) and was stopped.',
    )
  })
})

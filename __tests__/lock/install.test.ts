// Installing the lock, with the machine stood in for (the sandbox probe, sudo, /etc/claude-code):
// every change is in the restore plan before it is made, a lock that cannot be put in force is a
// refusal before anything is changed, and the files the runner's variables name are denied.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseConfig, type Config } from '../../src/inputs/config.js'
import { readRunnerEnv } from '../../src/inputs/runner-env.js'
import { installLock, lockSummary } from '../../src/lock/install.js'
import {
  installManagedSettings,
  planSettingsChange,
  type SettingsChange,
} from '../../src/lock/managed-settings.js'
import { buildLock, type Lock } from '../../src/lock/policy.js'
import {
  APPARMOR_USERNS_SYSCTL,
  hasPasswordlessSudo,
  isRoot,
  privilegedFs,
  setSysctl,
  type PrivilegedFs,
} from '../../src/lock/privileged-write.js'
import { findRunnerRoot } from '../../src/lock/runner-files.js'
import { findProgram, probeSandbox, type ProbeResult } from '../../src/lock/sandbox.js'
import { Refusal } from '../../src/pipeline/errors.js'
import { RestorePlan, type PlanRecord } from '../../src/restore/plan.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())
vi.mock('../../src/lock/privileged-write.js', async (original) => ({
  ...(await original<object>()),
  isRoot: vi.fn(),
  hasPasswordlessSudo: vi.fn(),
  privilegedFs: vi.fn(),
  setSysctl: vi.fn(),
}))
vi.mock('../../src/lock/sandbox.js', async (original) => ({
  ...(await original<object>()),
  probeSandbox: vi.fn(),
  findProgram: vi.fn(),
}))
vi.mock('../../src/lock/managed-settings.js', async (original) => ({
  ...(await original<object>()),
  planSettingsChange: vi.fn(),
  installManagedSettings: vi.fn(),
}))
vi.mock('../../src/lock/runner-files.js', async (original) => ({
  ...(await original<object>()),
  findRunnerRoot: vi.fn(),
}))
vi.mock('../../src/lock/policy.js', async (original) => {
  const policy = await original<typeof import('../../src/lock/policy.js')>()
  return { ...policy, buildLock: vi.fn(policy.buildLock) }
})

const fake = faked(core)
// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Hs3Jd7Fb5Gc0YaQm4Zt8Zq7Lw2Xr6Vn1Pk9'
const SETTINGS: SettingsChange = {
  useSudo: true,
  createdDir: true,
  backup: null,
  dropinMovedTo: null,
}
const FS = { viaSudo: true } as PrivilegedFs
const OK: ProbeResult = { ok: true, missing: [], error: null, apparmorRestrictsUserns: false }
const APPARMOR: ProbeResult = {
  ok: false,
  missing: [],
  error: 'bwrap: setting up uid map: Permission denied',
  apparmorRestrictsUserns: true,
}

let tmp: string
let plan: RestorePlan

function config(inputs: Record<string, string> = {}): Config {
  return parseConfig(
    { prompt: 'p', 'anthropic-api-key': API_KEY, ...inputs },
    { workspace: path.join(tmp, 'ws') },
  )
}

/** The plan as last saved to state. */
function savedPlan(): PlanRecord {
  return JSON.parse(fake.state.get('airlock-restore-plan') ?? 'null') as PlanRecord
}

function install(
  inputs: Record<string, string> = {},
  runner: Record<string, string> = {},
): Promise<Lock> {
  return installLock(config(inputs), plan, { HOME: '/home/runner' }, readRunnerEnv(runner))
}

beforeEach(() => {
  vi.clearAllMocks()
  fake.reset()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-lock-install-'))
  plan = new RestorePlan()
  plan.open(tmp)
  vi.mocked(isRoot).mockReturnValue(false)
  vi.mocked(hasPasswordlessSudo).mockReturnValue(true)
  vi.mocked(privilegedFs).mockReturnValue(FS)
  vi.mocked(probeSandbox).mockReturnValue(OK)
  vi.mocked(findProgram).mockReturnValue('/usr/bin/bwrap')
  vi.mocked(planSettingsChange).mockReturnValue(SETTINGS)
  vi.mocked(findRunnerRoot).mockReturnValue(null)
  vi.mocked(installManagedSettings).mockReset()
  vi.mocked(setSysctl).mockReset()
})

afterEach(() => {
  rmSync(plan.agentTmp, { recursive: true, force: true })
  rmSync(tmp, { recursive: true, force: true })
})

describe('installLock', () => {
  it('records the managed settings change in the plan before writing the settings', async () => {
    vi.mocked(installManagedSettings).mockImplementation(async () => {
      expect(savedPlan().settings).toEqual(SETTINGS)
      return Promise.resolve()
    })
    const lock = await install()
    expect(installManagedSettings).toHaveBeenCalledWith(
      SETTINGS,
      lock.settings,
      plan.privateDir,
      FS,
    )
    expect(planSettingsChange).toHaveBeenCalledWith(plan.privateDir, true)
    expect(JSON.parse(readFileSync(path.join(plan.privateDir, 'policy.json'), 'utf8'))).toEqual(
      lock.hookPolicy,
    )
    expect(fake.log).toContain('info Sandbox: on')
  })

  it('lifts the AppArmor restriction with sudo only after recording how to put it back, then probes again', async () => {
    vi.mocked(probeSandbox).mockReturnValueOnce(APPARMOR).mockReturnValueOnce(OK)
    vi.mocked(setSysctl).mockImplementation(async () => {
      expect(savedPlan().sysctl).toEqual({ key: APPARMOR_USERNS_SYSCTL, value: '1', useSudo: true })
      return Promise.resolve()
    })
    const lock = await install()
    expect(setSysctl).toHaveBeenCalledWith(APPARMOR_USERNS_SYSCTL, '0', true)
    expect(probeSandbox).toHaveBeenCalledTimes(2)
    expect(lock.settings.sandbox.enabled).toBe(true)
  })

  it('waits for the managed settings to be written, and fails with the command that could not write them', async () => {
    const failure = '`sudo -n install -m 644 -o root -g root -- a b` failed with exit code 1.'
    vi.mocked(installManagedSettings).mockImplementation(async () => {
      await new Promise((resolve) => setImmediate(resolve))
      throw new Error(failure)
    })
    await expect(install()).rejects.toThrow(failure)
    expect(savedPlan().settings).toEqual(SETTINGS)
    expect(fake.log.some((line) => line.startsWith('info Lock:'))).toBe(false)
  })

  it('waits for the AppArmor restriction to be lifted before probing again, and fails when it cannot be', async () => {
    vi.mocked(probeSandbox).mockReturnValue(APPARMOR)
    const failure = '`sudo -n sysctl -q -w k=0` failed with exit code 1.'
    vi.mocked(setSysctl).mockImplementation(async () => {
      await new Promise((resolve) => setImmediate(resolve))
      expect(probeSandbox).toHaveBeenCalledTimes(1)
      throw new Error(failure)
    })
    await expect(install()).rejects.toThrow(failure)
    expect(probeSandbox).toHaveBeenCalledTimes(1)
    expect(installManagedSettings).not.toHaveBeenCalled()
  })

  it.each([
    ['as root', true, true],
    ['without passwordless sudo', false, false],
  ])('leaves AppArmor alone %s', async (_name, root, sudo) => {
    vi.mocked(isRoot).mockReturnValue(root)
    vi.mocked(hasPasswordlessSudo).mockReturnValue(sudo)
    vi.mocked(probeSandbox).mockReturnValue(APPARMOR)
    await expect(install()).rejects.toThrow(Refusal)
    expect(setSysctl).not.toHaveBeenCalled()
  })

  it('refuses, before changing anything, a sandbox that is required and cannot start', async () => {
    vi.mocked(probeSandbox).mockReturnValue({ ...APPARMOR, apparmorRestrictsUserns: false })
    await expect(install()).rejects.toThrow(/^The OS sandbox cannot start here/)
    expect(installManagedSettings).not.toHaveBeenCalled()
    expect(savedPlan().settings).toBeNull()
  })

  it('refuses, before changing anything, when /etc/claude-code cannot be written', async () => {
    vi.mocked(privilegedFs).mockReturnValue(null)
    await expect(install()).rejects.toThrow(
      'Airlock cannot write /etc/claude-code (not root and no passwordless sudo); run the job as root, in a container, or on a runner with passwordless sudo.',
    )
    expect(installManagedSettings).not.toHaveBeenCalled()
    expect(savedPlan().settings).toBeNull()
  })

  it('does not probe the sandbox when it is off, and warns', async () => {
    const lock = await install({ sandbox: 'off' })
    expect(probeSandbox).not.toHaveBeenCalled()
    expect(lock.settings.sandbox.enabled).toBe(false)
    expect(fake.log.some((line) => line.startsWith('warning The OS sandbox is off'))).toBe(true)
  })

  it('denies the credentials files and runner files the runner’s variables name (absolute paths only)', async () => {
    await install(
      {},
      {
        GOOGLE_APPLICATION_CREDENTIALS: '/secrets/gcp.json',
        AWS_SHARED_CREDENTIALS_FILE: 'relative/aws',
        KUBECONFIG: '/home/runner/.kube/config',
        GITHUB_ENV: '/runner/_temp/_runner_file_commands/set_env_1',
        GITHUB_STATE: '/runner/_temp/_runner_file_commands/save_state_1',
        GITHUB_EVENT_PATH: '/runner/_temp/_github_workflow/event.json',
        RUNNER_TEMP: '/runner/_temp',
      },
    )
    const paths = vi.mocked(buildLock).mock.calls[0]![1]
    expect(paths.secretFiles).toEqual(['/secrets/gcp.json', '/home/runner/.kube/config'])
    expect(paths.runnerFiles).toEqual([
      '/runner/_temp/_runner_file_commands/set_env_1',
      '/runner/_temp/_runner_file_commands/save_state_1',
      '/runner/_temp/_github_workflow/event.json',
    ])
    expect(paths.runnerTemp).toBe('/runner/_temp')
    expect(paths.home).toBe('/home/runner')
    expect(paths.privateDir).toBe(plan.privateDir)
  })

  it('denies the runner installation’s private files on a self-hosted runner', async () => {
    vi.mocked(findRunnerRoot).mockReturnValue('/opt/actions-runner')
    await install()
    const paths = vi.mocked(buildLock).mock.calls[0]![1]
    expect(paths.runnerFiles).toEqual(
      expect.arrayContaining(['/opt/actions-runner/.credentials', '/opt/actions-runner/_diag']),
    )
    expect(fake.log).toContain(
      "info Lock: the runner's installation at /opt/actions-runner has its credentials and _diag logs denied to the agent",
    )
  })

  it('as root, starts bubblewrap through a wrapper in the private folder that drops capabilities', async () => {
    vi.mocked(isRoot).mockReturnValue(true)
    await install()
    const wrapper = path.join(plan.privateDir, 'bwrap-cap-drop')
    expect(vi.mocked(buildLock).mock.calls[0]![2].bwrapPath).toBe(wrapper)
    expect(readFileSync(wrapper, 'utf8')).toContain("exec '/usr/bin/bwrap' --cap-drop ALL")
  })

  it('as another user, leaves bubblewrap as it is', async () => {
    await install()
    expect(vi.mocked(buildLock).mock.calls[0]![2].bwrapPath).toBeUndefined()
    expect(existsSync(path.join(plan.privateDir, 'bwrap-cap-drop'))).toBe(false)
  })
})

describe('lockSummary', () => {
  const lock = (sandbox: object, denyRules = 3): Lock =>
    ({ settings: { sandbox }, denyRules: Array<string>(denyRules).fill('r') }) as unknown as Lock

  it.each([
    ['not installed yet', null, { sandbox: 'off', denyRules: 0 }],
    ['the full sandbox', lock({ enabled: true }), { sandbox: 'on', denyRules: 3 }],
    [
      'the weaker nested sandbox',
      lock({ enabled: true, enableWeakerNestedSandbox: true }),
      { sandbox: 'weaker-nested', denyRules: 3 },
    ],
    ['no sandbox', lock({ enabled: false }, 5), { sandbox: 'off', denyRules: 5 }],
  ])('%s', (_name, installed, expected) => {
    expect(lockSummary(config({ 'allowed-domains': 'a.example' }), installed)).toEqual({
      ...expected,
      allowedDomains: ['a.example'],
      hookVerified: false,
    })
  })

  it('says the hook was verified only when told', () => {
    expect(lockSummary(config(), lock({ enabled: true }), true).hookVerified).toBe(true)
  })
})

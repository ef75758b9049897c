// The one restore path, against a temporary folder and the real @actions/core (state in a
// temporary GITHUB_STATE file): what each moment removes, keeps and records, and the git
// credentials put back byte for byte.
import { execFileSync } from 'node:child_process'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RestorePlan } from '../../src/restore/plan.js'
import { restoreRunner } from '../../src/restore/restore.js'
import { neutralizeGitCredentials } from '../../src/strip/index.js'
import { clearState, savedStates, useStateFile } from '../fakes/action-state.js'

/**
 * The commands the restore path runs through `@actions/exec` (sudo, sysctl), recorded instead of
 * run; each waits a turn of the event loop, as a real command would, and those in `failing` exit 1.
 */
const commands = vi.hoisted(() => ({ run: [] as string[], failing: [] as string[] }))
vi.mock('@actions/exec', () => ({
  getExecOutput: vi.fn(async (program: string, args: string[] = []) => {
    const line = [program, ...args].join(' ')
    await new Promise((resolve) => setImmediate(resolve))
    commands.run.push(line)
    const failed = commands.failing.some((f) => line.includes(f))
    return { exitCode: failed ? 1 : 0, stdout: '', stderr: failed ? 'permission denied' : '' }
  }),
}))

// Assembled so this file does not trip secret scanners.
const HEADER =
  'AUTHORIZATION: basic ' + Buffer.from('x-access-token:ghs_' + 'R3st0reT3st').toString('base64')

let tmp: string
let stateFile: string
let stdout: string[]
const plans: RestorePlan[] = []

function openPlan(): RestorePlan {
  const plan = new RestorePlan()
  plan.open(tmp)
  plans.push(plan)
  return plan
}

function saved(name: string): string[] {
  return savedStates(stateFile)
    .filter((s) => s.name === name)
    .map((s) => s.value)
}

beforeEach(() => {
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'airlock-restore-')))
  stateFile = useStateFile(tmp)
  stdout = []
  commands.run.length = 0
  commands.failing.length = 0
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(() => {
  vi.restoreAllMocks()
  clearState()
  for (const plan of plans.splice(0)) rmSync(plan.agentTmp, { recursive: true, force: true })
  rmSync(tmp, { recursive: true, force: true })
})

describe('restoreRunner', () => {
  it('does nothing for a plan that was never opened', async () => {
    const warn = vi.fn()
    expect(await restoreRunner(new RestorePlan(), 'end', warn)).toEqual([])
    expect(warn).not.toHaveBeenCalled()
    expect(savedStates(stateFile)).toEqual([])
  })

  it('after the agent: removes the agent’s temp folder, keeps the private folder for the audit, and records nothing left to put back', async () => {
    const plan = openPlan()
    await restoreRunner(plan, 'after-agent', vi.fn())
    expect(existsSync(plan.agentTmp)).toBe(false)
    expect(existsSync(plan.privateDir)).toBe(true)
    expect(JSON.parse(saved('airlock-restore-plan').at(-1) ?? '')).toMatchObject({
      privateDir: plan.privateDir,
      credentialsBackupDir: null,
      settings: null,
    })
    expect(saved('airlock-restored')).toEqual([])
    expect(stdout.join('')).toContain(
      'Restore: managed settings and git credentials are back as they were.',
    )
  })

  it('at the end of main: removes both folders and marks the state restored', async () => {
    const plan = openPlan()
    expect(await restoreRunner(plan, 'end', vi.fn())).toEqual([])
    expect(existsSync(plan.agentTmp)).toBe(false)
    expect(existsSync(plan.privateDir)).toBe(false)
    expect(saved('airlock-restored')).toEqual(['true'])
  })

  it('in the post step: removes both folders and says so, without writing state', async () => {
    const plan = openPlan()
    const before = savedStates(stateFile).length
    await restoreRunner(plan, 'post', vi.fn())
    expect(existsSync(plan.privateDir)).toBe(false)
    expect(savedStates(stateFile)).toHaveLength(before)
    expect(stdout.join('')).toContain(
      'Airlock: the runner is back as it was (managed settings, git credentials, temp folders).',
    )
  })

  it('puts the git credentials taken away back byte for byte, once', async () => {
    const repo = path.join(tmp, 'repo')
    mkdirSync(repo)
    mkdirSync(path.join(tmp, 'home'))
    execFileSync('git', ['init', '-q', repo])
    const gitConfig = path.join(repo, '.git', 'config')
    appendFileSync(gitConfig, `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`)
    const before = readFileSync(gitConfig)
    const plan = openPlan()
    const credentials = await neutralizeGitCredentials(repo, plan.credentialsBackupDir ?? '', {
      home: path.join(tmp, 'home'),
    })
    plan.record({ credentials })
    expect(readFileSync(gitConfig, 'utf8')).not.toContain('extraheader')

    expect(await restoreRunner(plan, 'after-agent', vi.fn())).toEqual([])
    expect(readFileSync(gitConfig).equals(before)).toBe(true)
    // Put back once: the end of main finds nothing more to do and may remove the backups.
    writeFileSync(gitConfig, '[core]\n\tbare = false\n')
    expect(await restoreRunner(plan, 'end', vi.fn())).toEqual([])
    expect(readFileSync(gitConfig, 'utf8')).toBe('[core]\n\tbare = false\n')
  })

  it('a warning keeps the private folder (its backups) and leaves the state unmarked for the post step', async () => {
    const plan = openPlan()
    // A credentials record that cannot be used: restoring it is refused, with a warning.
    plan.record({ credentials: { backupDir: 42 } as never })
    const warn = vi.fn()
    const warnings = await restoreRunner(plan, 'end', warn)
    expect(warnings).toEqual(['The git credentials record is malformed; nothing was restored.'])
    expect(warn).toHaveBeenCalledWith(warnings[0])
    expect(existsSync(plan.privateDir)).toBe(true)
    expect(saved('airlock-restored')).toEqual([])
  })

  it('puts the managed settings back, then the kernel parameter, each command done before the next', async () => {
    const plan = openPlan()
    plan.record({
      settings: { useSudo: true, createdDir: true, backup: null, dropinMovedTo: null },
      sysctl: { key: 'kernel.apparmor_restrict_unprivileged_userns', value: '1', useSudo: true },
    })
    expect(await restoreRunner(plan, 'end', vi.fn())).toEqual([])
    expect(commands.run).toEqual([
      'sudo -n rm -f -- /etc/claude-code/managed-settings.json',
      'sudo -n rmdir --ignore-fail-on-non-empty -- /etc/claude-code',
      'sudo -n sysctl -q -w kernel.apparmor_restrict_unprivileged_userns=1',
    ])
    expect(existsSync(plan.privateDir)).toBe(false)
  })

  it('a restore that starts while a change is being made (a cancel) waits for it, then puts it back', async () => {
    const plan = openPlan()
    const making = plan.willChange(
      { settings: { useSudo: true, createdDir: false, backup: null, dropinMovedTo: null } },
      async () => {
        for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve))
        commands.run.push('the change, made')
      },
    )
    expect(await restoreRunner(plan, 'end', vi.fn())).toEqual([])
    await making
    expect(commands.run).toEqual([
      'the change, made',
      'sudo -n rm -f -- /etc/claude-code/managed-settings.json',
    ])
  })

  it('what could not be put back after the agent stays in the plan, with its backups, and the end of main tries again', async () => {
    const plan = openPlan()
    plan.record({
      settings: { useSudo: true, createdDir: false, backup: null, dropinMovedTo: null },
    })
    commands.failing.push('rm -f')
    expect(await restoreRunner(plan, 'after-agent', vi.fn())).toHaveLength(1)
    expect(existsSync(plan.privateDir)).toBe(true)
    expect(JSON.parse(saved('airlock-restore-plan').at(-1) ?? '')).toMatchObject({
      settings: { useSudo: true },
    })
    commands.failing.splice(0)
    expect(await restoreRunner(plan, 'end', vi.fn())).toEqual([])
    expect(commands.run).toEqual([
      'sudo -n rm -f -- /etc/claude-code/managed-settings.json',
      'sudo -n rm -f -- /etc/claude-code/managed-settings.json',
    ])
    expect(existsSync(plan.privateDir)).toBe(false)
    expect(saved('airlock-restored')).toEqual(['true'])
  })

  it('a command that fails is a warning naming what to do, never a throw, and the rest is still put back', async () => {
    const plan = openPlan()
    plan.record({
      settings: { useSudo: true, createdDir: false, backup: null, dropinMovedTo: null },
      sysctl: { key: 'kernel.apparmor_restrict_unprivileged_userns', value: '1', useSudo: true },
    })
    commands.failing.push('rm -f', 'sysctl')
    const warn = vi.fn()
    const warnings = await restoreRunner(plan, 'end', warn)
    expect(warnings).toEqual([
      'Could not remove /etc/claude-code/managed-settings.json: `sudo -n rm -f -- /etc/claude-code/managed-settings.json` failed with exit code 1: permission denied',
      'Could not set kernel.apparmor_restrict_unprivileged_userns back to 1; run sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=1.',
    ])
    expect(warn).toHaveBeenCalledTimes(2)
    expect(commands.run).toEqual([
      'sudo -n rm -f -- /etc/claude-code/managed-settings.json',
      'sudo -n sysctl -q -w kernel.apparmor_restrict_unprivileged_userns=1',
    ])
    expect(existsSync(plan.agentTmp)).toBe(false)
    expect(existsSync(plan.privateDir)).toBe(true)
    expect(saved('airlock-restored')).toEqual([])
  })
})

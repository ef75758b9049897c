// The strip stage: the removed values masked and redacted, the git credentials taken away and
// recorded in the plan.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseConfig } from '../../src/inputs/config.js'
import { readRunnerEnv } from '../../src/inputs/runner-env.js'
import { RestorePlan } from '../../src/restore/plan.js'
import { Redactor } from '../../src/secrets/index.js'
import { neutralizeGitCredentials } from '../../src/strip/index.js'
import { stripEnvironment, takeGitCredentials } from '../../src/strip/stage.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())
vi.mock('../../src/strip/credentials/index.js', async (original) => ({
  ...(await original<object>()),
  neutralizeGitCredentials: vi.fn(),
}))

const fake = faked(core)
// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Fb5Gc0YaQm4Zt8Zq7Lw2Xr6Vn1Pk9Hs3Jd7'
const AWS_SECRET = 'wJalrXUtnFEMI/' + 'K7MDENG/bPxRfiCYEXAMPLEKEY'

let tmp: string

beforeEach(() => {
  vi.clearAllMocks()
  fake.reset()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-strip-stage-'))
})

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('stripEnvironment', () => {
  const config = parseConfig({ prompt: 'p', 'anthropic-api-key': API_KEY }, { workspace: '/ws' })

  it('masks the removed credentials in the log and redacts every removed value', () => {
    const redactor = new Redactor()
    const environment = stripEnvironment(
      {
        PATH: '/usr/bin:/bin',
        AWS_SECRET_ACCESS_KEY: AWS_SECRET,
        RUNNER_WORKSPACE: '/home/runner/work/repo',
        SOME_SETTING: 'value-not-secret',
      },
      config,
      redactor,
    )
    expect(environment.env).toEqual({ PATH: '/usr/bin:/bin' })
    expect(fake.secrets).toEqual([AWS_SECRET])
    expect(redactor.redact(`key ${AWS_SECRET}`)).toBe('key [REDACTED]')
    expect(fake.log.at(-1)).toMatch(/^info Strip: kept 1 variable, stripped 3 \(\d+ by value\)$/)
  })

  it('neither masks nor redacts the inputs that hold a setting, as the runner sets them with their defaults', () => {
    const redactor = new Redactor()
    const environment = stripEnvironment(
      {
        PATH: '/usr/bin:/bin',
        'INPUT_PASS-ENV': 'MY_VAR',
        'INPUT_FAIL-ON': 'violation',
        INPUT_SANDBOX: 'required',
        INPUT_ISOLATION: 'vm-or-container',
        'INPUT_CLAUDE-VERSION': '2.1.197',
        'INPUT_ANTHROPIC-API-KEY': API_KEY,
        'INPUT_CLAUDE-ARGS': `--model x ${AWS_SECRET}`,
      },
      config,
      redactor,
    )
    expect(environment.env).toEqual({ PATH: '/usr/bin:/bin' })
    expect(environment.stripped).toContain('INPUT_PASS-ENV')
    expect(fake.secrets).toEqual([API_KEY])
    expect(redactor.redact('pass MY_VAR; violation; required; vm-or-container; 2.1.197')).toBe(
      'pass MY_VAR; violation; required; vm-or-container; 2.1.197',
    )
    expect(redactor.redact(`${API_KEY} and --model x ${AWS_SECRET}`)).toBe(
      '[REDACTED] and [REDACTED]',
    )
  })
})

describe('takeGitCredentials', () => {
  it('takes them away into the plan’s backup folder, then records what it took', async () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    const change = { backupDir: plan.credentialsBackupDir ?? '', backups: [], removed: ['x'] }
    vi.mocked(neutralizeGitCredentials).mockImplementation(() => {
      expect(JSON.parse(fake.state.get('airlock-restore-plan') ?? '{}')).toMatchObject({
        credentialsBackupDir: plan.credentialsBackupDir,
        credentials: null,
      })
      return Promise.resolve(change)
    })
    await takeGitCredentials(
      '/ws',
      plan,
      readRunnerEnv({ HOME: '/home/runner', RUNNER_TEMP: '/runner/_temp' }),
    )
    expect(neutralizeGitCredentials).toHaveBeenCalledWith('/ws', plan.credentialsBackupDir, {
      home: '/home/runner',
      runnerTemp: '/runner/_temp',
    })
    expect(plan.recorded.credentials).toEqual(change)
    expect(JSON.parse(fake.state.get('airlock-restore-plan') ?? '{}')).toMatchObject({
      credentials: change,
    })
    expect(fake.log.at(-1)).toBe('info Strip: git credentials taken away for the run: x')
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })

  it('says so when there were none, and leaves RUNNER_TEMP out when unset', async () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    vi.mocked(neutralizeGitCredentials).mockResolvedValue({
      backupDir: plan.credentialsBackupDir ?? '',
      backups: [],
      removed: [],
    })
    await takeGitCredentials('/ws', plan, readRunnerEnv({ HOME: '/h' }))
    expect(vi.mocked(neutralizeGitCredentials).mock.calls[0]?.[2]).toEqual({ home: '/h' })
    expect(fake.log.at(-1)).toBe('info Strip: no persisted git credentials found')
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })
})

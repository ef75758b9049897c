// Reading the inputs from the runner: every input through core.getInput, the prompt file from the
// workspace, the secret inputs masked.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Inputs } from '../../src/inputs/contract.js'
import { maskInputSecrets, readConfig } from '../../src/inputs/read.js'
import { readRunnerEnv } from '../../src/inputs/runner-env.js'
import { Redactor } from '../../src/secrets/index.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())

const fake = faked(core)
// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Gc0YaQm4Zt8Zq7Lw2Xr6Vn1Pk9Hs3Jd7Fb5'
const TOKEN = 'ghs_' + 'ReadTestToken0123456789abcdefgh'

let tmp: string
let workspace: string

beforeEach(() => {
  vi.clearAllMocks()
  fake.reset()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-read-'))
  workspace = path.join(tmp, 'ws')
  mkdirSync(workspace)
  fake.inputs.set('anthropic-api-key', API_KEY)
})

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('readConfig', () => {
  it('asks the runner for every input, once', () => {
    fake.inputs.set('prompt', 'Fix it')
    readConfig(readRunnerEnv({ GITHUB_WORKSPACE: workspace }))
    expect(
      vi
        .mocked(core.getInput)
        .mock.calls.map(([name]) => name)
        .sort(),
    ).toEqual(Object.values(Inputs).sort())
  })

  it('works in GITHUB_WORKSPACE and reads prompt-file from there', () => {
    writeFileSync(path.join(workspace, 'task.md'), 'Do the task.\n')
    fake.inputs.set('prompt-file', 'task.md')
    const config = readConfig(readRunnerEnv({ GITHUB_WORKSPACE: workspace }))
    expect(config.workspace).toBe(workspace)
    expect(config.prompt).toBe('Do the task.\n')
    expect(config.promptSource).toBe('task.md')
  })

  it('names a prompt-file that cannot be read', () => {
    fake.inputs.set('prompt-file', 'missing.md')
    expect(() => readConfig(readRunnerEnv({ GITHUB_WORKSPACE: workspace }))).toThrow(
      "Input 'prompt-file' names 'missing.md', which cannot be read; give a readable file path.",
    )
  })

  it('works in the current folder when GITHUB_WORKSPACE is unset', () => {
    fake.inputs.set('prompt', 'Fix it')
    expect(readConfig(readRunnerEnv({})).workspace).toBe(process.cwd())
  })

  it('refuses allow-write inside the runner user’s HOME', () => {
    fake.inputs.set('prompt', 'Fix it')
    fake.inputs.set('allow-write', path.join(tmp, 'home', '.ssh'))
    expect(() =>
      readConfig(readRunnerEnv({ GITHUB_WORKSPACE: workspace, HOME: path.join(tmp, 'home') })),
    ).toThrow(/^Input 'allow-write' has/)
  })
})

describe('maskInputSecrets', () => {
  it('masks the model key and the GitHub token in the log, and redacts them', () => {
    fake.inputs.set('prompt', 'Fix it')
    fake.inputs.set('github-token', TOKEN)
    const redactor = new Redactor()
    maskInputSecrets(readConfig(readRunnerEnv({ GITHUB_WORKSPACE: workspace })), redactor)
    expect(fake.secrets).toEqual([API_KEY, TOKEN])
    expect(redactor.redact(`${API_KEY} ${TOKEN}`)).toBe('[REDACTED] [REDACTED]')
  })

  it('masks nothing for an empty token', () => {
    fake.inputs.set('prompt', 'Fix it')
    maskInputSecrets(readConfig(readRunnerEnv({ GITHUB_WORKSPACE: workspace })), new Redactor())
    expect(fake.secrets).toEqual([API_KEY])
  })
})

// The agent stage: the CLI's arguments and environment, the fence around its output, its pid
// recorded as soon as it exists, and what is known once it is over. The CLI itself is stood in for.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveClaude } from '../../src/agent/install/install.js'
import { runAgent, type AgentExit } from '../../src/agent/run.js'
import {
  cliArgs,
  cliDebugLog,
  Fence,
  installCli,
  runAgentFenced,
  type AgentStageOptions,
} from '../../src/agent/stage.js'
import { StreamState } from '../../src/agent/stream.js'
import { parseConfig, type Config } from '../../src/inputs/config.js'
import { readRunnerEnv } from '../../src/inputs/runner-env.js'
import type { Lock } from '../../src/lock/policy.js'
import { RestorePlan } from '../../src/restore/plan.js'
import { Redactor } from '../../src/secrets/index.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())
vi.mock('../../src/agent/run.js', async (original) => ({
  ...(await original<object>()),
  runAgent: vi.fn(),
}))
vi.mock('../../src/agent/install/install.js', async (original) => ({
  ...(await original<object>()),
  resolveClaude: vi.fn(() => Promise.resolve('/cache/claude')),
}))

// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Lw2Xr6Vn1Pk9Hs3Jd7Fb5Gc0YaQm4Zt8Zq7'
const SECRET = 'stripped-' + 'value-0123456789'

let tmp: string
let plan: RestorePlan
let lock: Lock
let stdout: string[]

function config(inputs: Record<string, string> = {}): Config {
  return parseConfig(
    { prompt: 'Fix it', 'anthropic-api-key': API_KEY, ...inputs },
    { workspace: path.join(tmp, 'ws') },
  )
}

function options(overrides: Partial<AgentStageOptions> = {}): AgentStageOptions {
  return {
    claude: '/cache/claude',
    config: config(),
    lock,
    plan,
    env: { PATH: '/usr/bin', HOME: '/home/runner' },
    redactor: new Redactor([SECRET]),
    runner: readRunnerEnv({ AIRLOCK_MODEL_MAX_RETRIES: '9' }),
    ...overrides,
  }
}

function exited(overrides: Partial<AgentExit> = {}): AgentExit {
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    lockBroken: null,
    durationMs: 10,
    stderrTail: '',
    stream: new StreamState(),
    ...overrides,
  }
}

beforeEach(() => {
  vi.clearAllMocks()
  faked(core).reset()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-agent-stage-'))
  plan = new RestorePlan()
  plan.open(tmp)
  writeFileSync(path.join(plan.privateDir, 'managed-settings.json'), '{"locked":true}\n')
  lock = {
    settings: {},
    hookPolicy: {
      sessionFile: path.join(plan.privateDir, 'session'),
      nonce: 'n0nce',
      logFile: path.join(plan.privateDir, 'hook.log'),
    },
    tools: ['Read', 'Bash'],
    denyRules: [],
  } as unknown as Lock
  stdout = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(() => {
  vi.restoreAllMocks()
  rmSync(plan.agentTmp, { recursive: true, force: true })
  rmSync(tmp, { recursive: true, force: true })
})

describe('cliArgs', () => {
  it('starts the CLI in print mode with no settings but the managed ones, and the lock’s tools', () => {
    expect(cliArgs(config(), lock, '/p/cli-debug.log')).toEqual([
      '-p',
      '--dangerously-skip-permissions',
      '--setting-sources',
      '',
      '--strict-mcp-config',
      '--output-format',
      'stream-json',
      '--verbose',
      '--tools',
      'Read,Bash',
      '--debug-file',
      '/p/cli-debug.log',
    ])
  })

  it('adds max-turns, the model and the allowed claude-args after the lock’s flags', () => {
    const args = cliArgs(
      config({
        'max-turns': '5',
        model: 'claude-x',
        'claude-args': '--append-system-prompt "be brief"',
      }),
      lock,
      '/d',
    )
    expect(args.slice(10)).toEqual([
      '--max-turns',
      '5',
      '--model',
      'claude-x',
      '--debug-file',
      '/d',
      '--append-system-prompt',
      'be brief',
    ])
  })

  it('keeps the debug log in the private folder', () => {
    expect(cliDebugLog('/tmp/airlock-x')).toBe('/tmp/airlock-x/cli-debug.log')
  })
})

describe('Fence', () => {
  it('stops workflow commands with a token of its own, and starts them again with the same', () => {
    const fence = new Fence()
    fence.open()
    fence.close()
    const [open, close] = stdout
    const token = /^::stop-commands::([0-9a-f]{48})\n$/.exec(open ?? '')?.[1]
    expect(token).toBeDefined()
    expect(close).toBe(`::${token}::\n`)
    const other = new Fence()
    other.open()
    expect(stdout[2]).not.toContain(token)
  })
})

describe('runAgentFenced', () => {
  it('runs the CLI inside the fence, prints its lines redacted, and records its pid as soon as it exists', async () => {
    vi.mocked(runAgent).mockImplementation((agent) => {
      stdout.push('[cli starts]')
      agent.onSpawn(31337)
      expect(JSON.parse(faked(core).state.get('airlock-restore-plan') ?? '{}')).toMatchObject({
        agentPid: 31337,
      })
      agent.onLine(`read ${SECRET}`)
      agent.onRawLine(`{"text":"${SECRET}"}`)
      return Promise.resolve(exited())
    })
    const ran = await runAgentFenced(options())
    expect(stdout[0]).toMatch(/^::stop-commands::/)
    expect(stdout.slice(1, 3)).toEqual(['[cli starts]', 'read [REDACTED]\n'])
    expect(stdout[3]).toMatch(/^::[0-9a-f]{48}::\n$/)
    expect(ran.transcript).toEqual(['{"text":"[REDACTED]"}'])
    expect(plan.recorded.agentPid).toBe(31337)
  })

  it('closes the fence when the CLI cannot be run', async () => {
    vi.mocked(runAgent).mockRejectedValue(new Error('spawn failed'))
    await expect(runAgentFenced(options())).rejects.toThrow('spawn failed')
    expect(stdout.at(-1)).toMatch(/^::[0-9a-f]{48}::\n$/)
  })

  it('gives the CLI the stripped environment, the model key, its own folders and no updates or telemetry', async () => {
    vi.mocked(runAgent).mockResolvedValue(exited())
    await runAgentFenced(options())
    const agent = vi.mocked(runAgent).mock.calls[0]![0]
    expect(agent.env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      ANTHROPIC_API_KEY: API_KEY,
      IS_SANDBOX: '1',
      TMPDIR: plan.agentTmp,
      CLAUDE_CODE_TMPDIR: plan.agentTmp,
      CLAUDE_CONFIG_DIR: path.join(plan.privateDir, 'claude-config'),
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: '9',
    })
    expect(agent.prompt).toBe('Fix it')
    expect(agent.cwd).toBe(path.join(tmp, 'ws'))
    expect(agent.timeoutMs).toBe(30 * 60_000)
    expect(agent.proof).toEqual({
      sessionFile: lock.hookPolicy.sessionFile,
      nonce: 'n0nce',
      logFile: lock.hookPolicy.logFile,
      tools: ['Read', 'Bash'],
      settingsFile: '/etc/claude-code/managed-settings.json',
      settingsText: '{"locked":true}\n',
    })
  })

  it('retries model requests 4 times unless AIRLOCK_MODEL_MAX_RETRIES says otherwise', async () => {
    vi.mocked(runAgent).mockResolvedValue(exited())
    await runAgentFenced(options({ runner: readRunnerEnv({}) }))
    expect(vi.mocked(runAgent).mock.calls[0]![0].env.CLAUDE_CODE_MAX_RETRIES).toBe('4')
  })

  it.each([
    ['the hook’s session started and no proof failed', true, null, true],
    ['the hook never started', false, null, false],
    ['a proof failed', true, 'Bash ran without a decision', false],
  ])('the lock is proven only when %s', async (_name, started, lockBroken, proven) => {
    if (started) writeFileSync(lock.hookPolicy.logFile, '{"event":"session-start"}\n')
    vi.mocked(runAgent).mockResolvedValue(exited({ lockBroken }))
    expect((await runAgentFenced(options())).lockProven).toBe(proven)
  })
})

describe('installCli', () => {
  it('resolves the pinned CLI into RUNNER_TOOL_CACHE with the runner’s registry settings', async () => {
    const runner = readRunnerEnv({
      RUNNER_TOOL_CACHE: '/opt/hostedtoolcache',
      npm_config_registry: 'https://mirror.example/',
      PATH: '/usr/bin',
      SOMETHING_ELSE: 'not given',
    })
    expect(await installCli(config({ 'claude-version': '2.1.0' }), runner)).toBe('/cache/claude')
    expect(resolveClaude).toHaveBeenCalledWith(
      expect.objectContaining({
        version: '2.1.0',
        claudePath: null,
        toolCache: '/opt/hostedtoolcache',
        env: runner,
      }),
    )
  })
})

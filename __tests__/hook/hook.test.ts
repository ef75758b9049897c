import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { handleHook, runHook, type HookIo } from '../../src/hook/hook.js'
import type { DecisionLogEntry, HookPolicy } from '../../src/types/hook-policy.js'

const NOW = new Date('2025-01-02T03:04:05.000Z')

let dir: string
let workspace: string
let policyFile: string
let policy: HookPolicy

beforeEach(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'airlock-hook-')))
  workspace = path.join(dir, 'ws')
  mkdirSync(workspace)
  policy = {
    version: 1,
    nonce: 'nonce-1234',
    sessionFile: path.join(dir, 'session-start'),
    logFile: path.join(dir, 'decisions.jsonl'),
    tools: ['Read', 'Write', 'Bash'],
    writeRoots: [workspace],
    denyWrite: [path.join(workspace, '.git')],
    denyRead: [path.join(dir, 'private')],
    denyNames: ['.env*'],
    allowedDomains: [],
  }
  policyFile = path.join(dir, 'policy.json')
  writeFileSync(policyFile, JSON.stringify(policy))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** The hook's I/O with `stdin` as the tool call; counts how often stdin was read. */
function io(stdin: string): HookIo & { reads: number } {
  const fake = {
    reads: 0,
    readStdin: () => {
      fake.reads += 1
      return stdin
    },
    now: () => NOW,
  }
  return fake
}

function toolCall(call: Record<string, unknown>): string {
  return JSON.stringify({ tool_use_id: 'toolu_1', cwd: workspace, ...call })
}

function logLines(): DecisionLogEntry[] {
  if (!existsSync(policy.logFile)) return []
  return readFileSync(policy.logFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DecisionLogEntry)
}

/** The reason in a deny's stdout, as the CLI reads it. */
function denyReason(stdout: string): string {
  const out = JSON.parse(stdout) as {
    hookSpecificOutput: {
      hookEventName: string
      permissionDecision: string
      permissionDecisionReason: string
    }
  }
  expect(out.hookSpecificOutput.hookEventName).toBe('PreToolUse')
  expect(out.hookSpecificOutput.permissionDecision).toBe('deny')
  return out.hookSpecificOutput.permissionDecisionReason
}

describe('handleHook: pre-tool-use', () => {
  it('allows an allowed call silently, with exit code 0, and logs the decision first', () => {
    const call = toolCall({ tool_name: 'Read', tool_input: { file_path: 'notes.txt' } })
    expect(handleHook(['pre-tool-use', policyFile], io(call))).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    })
    expect(logLines()).toEqual([
      {
        event: 'pre-tool-use',
        time: NOW.toISOString(),
        tool: 'Read',
        toolUseId: 'toolu_1',
        allow: true,
        reason: 'read allowed',
        target: 'notes.txt',
      },
    ])
  })

  it('denies a refused call with exit code 2, the reason on stdout and stderr, and logs it', () => {
    const call = toolCall({ tool_name: 'Write', tool_input: { file_path: '/etc/passwd' } })
    const outcome = handleHook(['pre-tool-use', policyFile], io(call))
    const reason = 'writing outside the workspace and the temp folder is not allowed'
    expect(outcome.exitCode).toBe(2)
    expect(denyReason(outcome.stdout)).toBe(`Airlock: ${reason}`)
    expect(outcome.stderr).toBe(`Airlock: ${reason}\n`)
    expect(logLines()).toEqual([
      expect.objectContaining({ event: 'pre-tool-use', allow: false, reason, tool: 'Write' }),
    ])
  })

  it('writes "toolUseId" the way the lock proof looks for it, null when the CLI sent none', () => {
    const call = JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'ls' } })
    handleHook(['pre-tool-use', policyFile], io(toolCall({ tool_name: 'Bash', tool_input: {} })))
    handleHook(['pre-tool-use', policyFile], io(call))
    const text = readFileSync(policy.logFile, 'utf8')
    expect(text).toContain('"toolUseId":"toolu_1"')
    expect(logLines()[1]).toMatchObject({ toolUseId: null, allow: true })
  })

  it('keeps at most 2000 characters of the target in the log', () => {
    const command = 'x'.repeat(5000)
    handleHook(
      ['pre-tool-use', policyFile],
      io(toolCall({ tool_name: 'Bash', tool_input: { command } })),
    )
    expect(logLines()[0]).toMatchObject({ target: 'x'.repeat(2000) })
  })

  it.each([
    ['not JSON', '{"tool_name": "Read", '],
    ['empty', ''],
    ['without tool_name', JSON.stringify({ tool_input: {} })],
    ['with a tool_name that is not a string', JSON.stringify({ tool_name: 1, tool_input: {} })],
    ['without tool_input', JSON.stringify({ tool_name: 'Read' })],
    ['with a tool_input that is a string', JSON.stringify({ tool_name: 'Read', tool_input: 'x' })],
  ])('fails closed on a tool call %s, and logs nothing', (_, stdin) => {
    const outcome = handleHook(['pre-tool-use', policyFile], io(stdin))
    expect(outcome.exitCode).toBe(2)
    expect(denyReason(outcome.stdout)).toBe('Airlock: the tool call could not be parsed')
    expect(logLines()).toEqual([])
  })

  it('fails closed when stdin cannot be read', () => {
    const outcome = handleHook(['pre-tool-use', policyFile], {
      readStdin: () => {
        throw new Error('EAGAIN')
      },
      now: () => NOW,
    })
    expect(denyReason(outcome.stdout)).toBe('Airlock: the tool call could not be parsed')
  })

  it('fails closed when the decision cannot be logged, even for an allowed call', () => {
    writeFileSync(policyFile, JSON.stringify({ ...policy, logFile: path.join(dir, 'no/such.log') }))
    const call = toolCall({ tool_name: 'Read', tool_input: { file_path: 'notes.txt' } })
    const outcome = handleHook(['pre-tool-use', policyFile], io(call))
    expect(outcome.exitCode).toBe(2)
    expect(denyReason(outcome.stdout)).toMatch(/^Airlock: the policy hook failed \(ENOENT/)
  })

  it('fails closed on a tool_input of null (decide cannot read it)', () => {
    const outcome = handleHook(
      ['pre-tool-use', policyFile],
      io(JSON.stringify({ tool_name: 'Read', tool_input: null })),
    )
    expect(outcome.exitCode).toBe(2)
    expect(denyReason(outcome.stdout)).toMatch(/^Airlock: the policy hook failed \(/)
  })
})

describe('handleHook: the policy file', () => {
  const unreadable = 'Airlock: the policy file could not be read, so every tool call is refused'

  it.each([
    ['missing', (): string => path.join(dir, 'missing.json')],
    [
      'not JSON',
      (): string => {
        writeFileSync(policyFile, '{"version": 1,')
        return policyFile
      },
    ],
    [
      'a folder',
      (): string => {
        mkdirSync(path.join(dir, 'folder.json'))
        return path.join(dir, 'folder.json')
      },
    ],
  ])('denies every call when the policy file is %s', (_, file) => {
    const call = toolCall({ tool_name: 'Read', tool_input: { file_path: 'notes.txt' } })
    const named = file()
    for (const event of ['pre-tool-use', 'session-start']) {
      const stdin = io(call)
      const outcome = handleHook([event, named], stdin)
      expect(outcome.exitCode).toBe(2)
      expect(denyReason(outcome.stdout)).toBe(unreadable)
      expect(stdin.reads).toBe(0)
    }
    expect(existsSync(policy.sessionFile)).toBe(false)
  })

  it('denies when no policy file is named', () => {
    expect(denyReason(handleHook(['pre-tool-use'], io('{}')).stdout)).toBe(unreadable)
    expect(denyReason(handleHook([], io('{}')).stdout)).toBe(unreadable)
  })

  it('denies when the policy is JSON but not a policy', () => {
    writeFileSync(policyFile, 'null')
    const outcome = handleHook(['session-start', policyFile], io(''))
    expect(outcome.exitCode).toBe(2)
    expect(denyReason(outcome.stdout)).toMatch(/^Airlock: the policy hook failed \(/)
  })

  it('denies an unknown event without reading stdin', () => {
    const stdin = io('{}')
    const outcome = handleHook(['post-tool-use', policyFile], stdin)
    expect(denyReason(outcome.stdout)).toBe('Airlock: unknown hook event post-tool-use')
    expect(stdin.reads).toBe(0)
    expect(logLines()).toEqual([])
  })
})

describe('handleHook: session-start', () => {
  it('writes the nonce (mode 0600) and logs the session start, without reading stdin', () => {
    const stdin = io('')
    expect(handleHook(['session-start', policyFile], stdin)).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    })
    expect(readFileSync(policy.sessionFile, 'utf8')).toBe('nonce-1234')
    expect(statSync(policy.sessionFile).mode & 0o777).toBe(0o600)
    expect(logLines()).toEqual([{ event: 'session-start', time: NOW.toISOString() }])
    expect(stdin.reads).toBe(0)
  })

  it('fails closed when the nonce cannot be written', () => {
    writeFileSync(
      policyFile,
      JSON.stringify({ ...policy, sessionFile: path.join(dir, 'no', 'session-start') }),
    )
    const outcome = handleHook(['session-start', policyFile], io(''))
    expect(outcome.exitCode).toBe(2)
    expect(denyReason(outcome.stdout)).toMatch(/^Airlock: the policy hook failed \(ENOENT/)
    expect(logLines()).toEqual([])
  })
})

describe('runHook: the process shell', () => {
  let argv: string[]
  beforeEach(() => {
    argv = process.argv
  })
  afterEach(() => {
    process.argv = argv
    vi.restoreAllMocks()
  })

  function run(args: string[]): { exit: number | null; stdout: string; stderr: string } {
    process.argv = ['node', 'dist/hook/index.js', ...args]
    const out = { exit: null as number | null, stdout: '', stderr: '' }
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.stdout += String(chunk)
      return true
    })
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      out.stderr += String(chunk)
      return true
    })
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      out.exit = Number(code)
      throw new Error('exit')
    })
    try {
      runHook()
    } catch (error) {
      if (!(error instanceof Error) || error.message !== 'exit') throw error
    }
    return out
  }

  it('prints the denial and exits with code 2', () => {
    const out = run(['post-tool-use', policyFile])
    expect(out.exit).toBe(2)
    expect(denyReason(out.stdout)).toBe('Airlock: unknown hook event post-tool-use')
    expect(out.stderr).toBe('Airlock: unknown hook event post-tool-use\n')
  })

  it('prints nothing and does not exit when the hook allows', () => {
    expect(run(['session-start', policyFile])).toEqual({ exit: null, stdout: '', stderr: '' })
    expect(readFileSync(policy.sessionFile, 'utf8')).toBe('nonce-1234')
  })
})

// What the agent's run produced: how it ended (a refusal, an agent failure, or fine), the blocked
// actions of all three sources with each refused call once, the hook's log and the transcript.
// Everything kept is redacted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  agentDenials,
  agentFailureReason,
  agentOutcome,
  agentRun,
  readHookLog,
  writeTranscript,
  type HookLog,
} from '../../src/agent/outcome.js'
import type { AgentExit } from '../../src/agent/run.js'
import type { AgentRan } from '../../src/agent/stage.js'
import { StreamState } from '../../src/agent/stream.js'
import { Redactor } from '../../src/secrets/index.js'
import type { Denial } from '../../src/types/stages.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())

const SECRET = 'hunter2-' + 'd3adb33f-c0ffee'
const redactor = new Redactor([SECRET])

type Result = NonNullable<StreamState['result']>

/** How the CLI ended: a clean finish unless a case says otherwise. */
function exit(
  overrides: Partial<Omit<AgentExit, 'stream'>> = {},
  stream: {
    result?: Partial<Result> | null
    init?: boolean
    otherLines?: string[]
    denials?: Denial[]
  } = {},
): AgentExit {
  const state = new StreamState()
  state.init =
    stream.init === false
      ? null
      : { tools: ['Bash'], permissionMode: 'bypassPermissions', model: 'm' }
  state.result =
    stream.result === null
      ? null
      : {
          subtype: 'success',
          isError: false,
          numTurns: 3,
          costUsd: 0.12,
          text: 'Done.',
          apiErrorStatus: null,
          errors: [],
          ...stream.result,
        }
  state.otherLines.push(...(stream.otherLines ?? []))
  state.denials.push(...(stream.denials ?? []))
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    lockBroken: null,
    durationMs: 5000,
    stderrTail: '',
    stream: state,
    ...overrides,
  }
}

function ran(
  exited: AgentExit,
  hookLog: Partial<HookLog> = {},
  transcript: string[] = [],
): AgentRan {
  return {
    exit: exited,
    agent: agentRun(exited, redactor),
    lockProven: true,
    hookLog: { sessionStarted: true, denials: [], entries: [], ...hookLog },
    transcript,
  }
}

let tmp: string

beforeEach(() => {
  faked(core).reset()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-outcome-'))
})

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('agentOutcome', () => {
  it.each<[string, AgentExit, { refusal?: string; agentFailure?: string }]>([
    ['a clean finish is neither a refusal nor a failure', exit(), {}],
    [
      'a broken lock is a refusal, with what the CLI said when it never started',
      exit(
        {
          lockBroken: 'the SessionStart hook did not run',
          exitCode: null,
          stderrTail: 'x\nError: no settings\n',
        },
        { init: false },
      ),
      {
        refusal:
          'The agent was stopped: the SessionStart hook did not run (the CLI said: Error: no settings).',
      },
    ],
    [
      'a broken lock after the CLI started is a refusal without the CLI’s words',
      exit({ lockBroken: 'Bash ran without a decision', stderrTail: 'noise' }),
      { refusal: 'The agent was stopped: Bash ran without a decision.' },
    ],
    [
      'a broken lock outranks a timeout',
      exit({ lockBroken: 'x', timedOut: true }),
      { refusal: 'The agent was stopped: x.' },
    ],
    [
      'a timeout is an agent failure naming timeout-minutes',
      exit({ timedOut: true, exitCode: null, signal: 'SIGTERM' }),
      { agentFailure: 'The agent did not finish within timeout-minutes (7) and was stopped.' },
    ],
    [
      'a non-zero exit is an agent failure',
      exit({ exitCode: 1 }, { result: null, otherLines: ['Invalid API key'] }),
      { agentFailure: 'The CLI exited with code 1: Invalid API key.' },
    ],
    [
      'an error result with exit 0 is an agent failure',
      exit({}, { result: { isError: true, subtype: 'error_during_execution', text: 'it broke' } }),
      { agentFailure: 'The CLI exited with code 0: it broke.' },
    ],
  ])('%s', (_name, exited, expected) => {
    expect(agentOutcome(exited, 7, redactor)).toEqual(expected)
  })

  it('redacts what the CLI said', () => {
    const outcome = agentOutcome(
      exit({ lockBroken: 'x', stderrTail: `token ${SECRET}` }, { init: false }),
      7,
      redactor,
    )
    expect(outcome.refusal).not.toContain(SECRET)
    expect(outcome.refusal).toContain('[REDACTED]')
  })
})

describe('agentFailureReason', () => {
  it.each<[string, AgentExit, string]>([
    [
      'max-turns',
      exit({ exitCode: 1 }, { result: { subtype: 'error_max_turns', isError: true } }),
      'The agent reached max-turns before finishing.',
    ],
    [
      'an API error names the inputs to check',
      exit({ exitCode: 1 }, { result: { isError: true, apiErrorStatus: 401 } }),
      'The model API answered 401; check anthropic-api-key and anthropic-base-url.',
    ],
    [
      'a signal',
      exit({ exitCode: null, signal: 'SIGKILL' }, { result: null }),
      'The CLI exited with signal SIGKILL.',
    ],
    [
      'the last line of stderr when there is nothing else',
      exit({ exitCode: 2, stderrTail: 'first\nlast words\n' }, { result: null }),
      'The CLI exited with code 2: last words.',
    ],
  ])('%s', (_name, exited, expected) => {
    expect(agentFailureReason(exited, redactor)).toBe(expected)
  })

  it('shortens a long detail to 300 characters and redacts it', () => {
    const reason = agentFailureReason(
      exit({ exitCode: 1 }, { result: { isError: true, text: `${SECRET} ${'x'.repeat(1000)}` } }),
      redactor,
    )
    expect(reason).not.toContain(SECRET)
    expect(reason.length).toBeLessThan(340)
  })
})

describe('agentRun', () => {
  it('keeps the result’s counts and the final message, redacted', () => {
    expect(agentRun(exit({}, { result: { text: `I used ${SECRET}` } }), redactor)).toEqual({
      exitCode: 0,
      signal: null,
      timedOut: false,
      subtype: 'success',
      isError: false,
      numTurns: 3,
      costUsd: 0.12,
      durationMs: 5000,
      result: 'I used [REDACTED]',
      denials: [],
    })
  })

  it('names why Airlock ended the CLI, and leaves out what the CLI never said', () => {
    expect(
      agentRun(exit({ lockBroken: 'proof failed', exitCode: null }, { result: null }), redactor),
    ).toEqual({
      exitCode: null,
      signal: null,
      timedOut: false,
      killedReason: 'proof failed',
      durationMs: 5000,
      denials: [],
    })
  })
})

describe('agentDenials', () => {
  const cliDenial = (toolUseId: string | undefined, target: string): Denial => ({
    source: 'cli',
    ...(toolUseId !== undefined ? { toolUseId } : {}),
    tool: 'Read',
    target,
    reason: 'denied by a permission rule',
  })
  const hookDenial: Denial = {
    source: 'hook',
    toolUseId: 'toolu_1',
    tool: 'Read',
    target: '/etc/shadow',
    reason: 'read denied',
  }

  it('counts a call the hook refused once, as the hook’s, and keeps the CLI’s others', async () => {
    const denials = await agentDenials(
      ran(
        exit(
          {},
          {
            denials: [
              cliDenial('toolu_1', '/etc/shadow'),
              cliDenial('toolu_2', '~/.ssh/id_rsa'),
              cliDenial(undefined, 'x'),
            ],
          },
        ),
        {
          denials: [hookDenial],
        },
      ),
      path.join(tmp, 'no-debug.log'),
      redactor,
    )
    expect(denials).toEqual([
      cliDenial('toolu_2', '~/.ssh/id_rsa'),
      cliDenial(undefined, 'x'),
      hookDenial,
    ])
  })

  it('adds the sandbox’s network refusals from the CLI’s debug log, and redacts every target', async () => {
    const debugLog = path.join(tmp, 'cli-debug.log')
    writeFileSync(
      debugLog,
      [
        '2026-11-27T04:15:05.994Z [DEBUG] starting',
        `2026-11-27T04:15:06.001Z [DEBUG] [sandbox] Blocked network request to ${SECRET}.evil.example (allowManagedDomainsOnly)`,
        '',
      ].join('\n'),
    )
    const denials = await agentDenials(
      ran(exit({}, { denials: [cliDenial('toolu_9', `cat ${SECRET}`)] })),
      debugLog,
      redactor,
    )
    expect(denials).toEqual([
      cliDenial('toolu_9', 'cat [REDACTED]'),
      {
        source: 'sandbox',
        tool: 'Bash',
        target: '[REDACTED].evil.example',
        reason: 'network request refused by the sandbox (allowManagedDomainsOnly)',
      },
    ])
  })
})

describe('readHookLog', () => {
  it('finds the session start and the refusals, and keeps every line redacted', () => {
    const file = path.join(tmp, 'hook.log')
    writeFileSync(
      file,
      [
        JSON.stringify({ event: 'session-start' }),
        JSON.stringify({ event: 'pre-tool-use', allow: true, tool: 'Bash', target: 'ls' }),
        JSON.stringify({
          event: 'pre-tool-use',
          allow: false,
          toolUseId: 'toolu_3',
          tool: 'Bash',
          target: `echo ${SECRET}`,
          reason: 'r',
        }),
        'not json',
        '',
      ].join('\n'),
    )
    const log = readHookLog(file, redactor)
    expect(log.sessionStarted).toBe(true)
    expect(log.denials).toEqual([
      {
        source: 'hook',
        toolUseId: 'toolu_3',
        tool: 'Bash',
        target: 'echo [REDACTED]',
        reason: 'r',
      },
    ])
    expect(log.entries).toHaveLength(4)
    expect(log.entries.join('\n')).not.toContain(SECRET)
  })

  it('is empty, the session not started, when the hook never wrote its log', () => {
    expect(readHookLog(path.join(tmp, 'none.log'), redactor)).toEqual({
      sessionStarted: false,
      denials: [],
      entries: [],
    })
  })
})

describe('writeTranscript', () => {
  it('writes the stream, then the hook’s decisions, then the sandbox’s refusals, and sets transcript-file', () => {
    const sandbox: Denial = {
      source: 'sandbox',
      tool: 'Bash',
      target: 'evil.example',
      reason: 'refused',
    }
    const file = writeTranscript(
      tmp,
      ran(exit(), { entries: ['{"event":"session-start"}'] }, [
        '{"type":"system"}',
        '{"type":"result"}',
      ]),
      [hookOnly(), sandbox],
    )
    expect(file).toBe(path.join(tmp, 'transcript.jsonl'))
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '{"type":"system"}',
        '{"type":"result"}',
        '{"event":"session-start"}',
        '{"event":"sandbox-refusal","target":"evil.example","reason":"refused"}',
        '',
      ].join('\n'),
    )
    expect(faked(core).outputs.get('transcript-file')).toBe(file)
  })
})

function hookOnly(): Denial {
  return { source: 'hook', tool: 'Read', target: '/x', reason: 'r' }
}

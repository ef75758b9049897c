/**
 * `runAgent` against a real child process standing in for the CLI: a Node script that follows a
 * scenario (print stream-JSON lines, write the files the hooks write, sleep, start children) and
 * records what it was given (argv, stdin, environment, session).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runAgent, type AgentExit, type AgentOptions } from '../../src/agent/run.js'

/**
 * The stand-in CLI, run as `node fake-claude.mjs scenario.json <the CLI's arguments>` in its
 * working folder; it records argv from `scenario.json` on.
 */
const FAKE_CLI = String.raw`
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'

const scenario = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
let stdin = ''
process.stdin.setEncoding('utf8')
for await (const chunk of process.stdin) stdin += chunk
const stat = readFileSync('/proc/self/stat', 'utf8')
const sid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])
writeFileSync(
  scenario.record,
  JSON.stringify({ argv: process.argv.slice(2), stdin, pid: process.pid, sid, cwd: process.cwd(), env: process.env }),
)
if (scenario.ignoreTerm) process.on('SIGTERM', () => {})
for (const step of scenario.steps) {
  if (step.event !== undefined) process.stdout.write(JSON.stringify(step.event) + '\n')
  if (step.line !== undefined) process.stdout.write(step.line + '\n')
  if (step.stderr !== undefined) process.stderr.write(step.stderr)
  if (step.write !== undefined) writeFileSync(step.write[0], step.write[1])
  if (step.append !== undefined) appendFileSync(step.append[0], step.append[1])
  if (step.sleep !== undefined) await sleep(step.sleep)
  if (step.child !== undefined) {
    // A child that dies on SIGTERM, in the CLI's process group.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    writeFileSync(step.child, String(child.pid))
  }
  if (step.otherGroup !== undefined) {
    // A child that ignores SIGTERM, in a process group of its own (bash's job control) but
    // still in the CLI's session: only the sweep of the session ends it.
    const job = 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'
    spawn('bash', ['-c', 'set -m; "$0" -e "$1" & echo $! > "$2"; wait', process.execPath, job, step.otherGroup], { stdio: 'ignore' })
    while (!existsSync(step.otherGroup) || readFileSync(step.otherGroup, 'utf8').trim() === '') await sleep(20)
  }
  if (step.exit !== undefined) process.exit(step.exit)
}
`

const NONCE = 'nonce-0123456789abcdef'
const SETTINGS = '{"permissions":{"deny":["Read(/etc/shadow)"]}}\n'
const TOOLS = ['Bash', 'Read', 'Write']

/**
 * The files of a run, in the CLI's working folder (a fresh temp folder per test): the scenario
 * names them relative to it, the proof by their absolute paths.
 */
const FILE = {
  script: 'fake-claude.mjs',
  scenario: 'scenario.json',
  record: 'record.json',
  session: 'session-nonce',
  log: 'decisions.jsonl',
  settings: 'managed-settings.json',
  /** Left by a CLI that went on after the point where it should have been killed. */
  after: 'still-running',
}

/** What the fake CLI recorded about how it was started. */
interface Recorded {
  argv: string[]
  stdin: string
  pid: number
  sid: number
  cwd: string
  env: Record<string, string>
}

type Step =
  | { event: object }
  | { line: string }
  | { stderr: string }
  | { write: [string, string] }
  | { append: [string, string] }
  | { sleep: number }
  | { child: string }
  | { otherGroup: string }
  | { exit: number }

let dir: string
const at = (name: string): string => path.join(dir, name)

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-run-'))
  writeFileSync(at(FILE.script), FAKE_CLI)
  writeFileSync(at(FILE.settings), SETTINGS)
  writeFileSync(at(FILE.log), '')
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

// What the hooks and the CLI write and print in a run.
const startSession = (nonce = NONCE): Step => ({ write: [FILE.session, nonce] })
const init = (over: object = {}): Step => ({
  event: {
    type: 'system',
    subtype: 'init',
    tools: ['Bash', 'Read'],
    permissionMode: 'bypassPermissions',
    model: 'claude-test',
    ...over,
  },
})
const toolUse = (id: string): Step => ({
  event: {
    type: 'assistant',
    message: { content: [{ type: 'tool_use', id, name: 'Bash', input: { command: 'echo hi' } }] },
  },
})
const hookDecision = (id: string): Step => ({
  append: [FILE.log, `${JSON.stringify({ toolUseId: id, decision: 'allow', tool: 'Bash' })}\n`],
})
const toolResult = (id: string, isError = false): Step => ({
  event: {
    type: 'user',
    message: {
      content: [{ type: 'tool_result', tool_use_id: id, content: 'hi', is_error: isError }],
    },
  },
})
const result: Step = {
  event: { type: 'result', subtype: 'success', is_error: false, num_turns: 1, result: 'done' },
}
/** What a CLI that was not stopped goes on to do: wait, leave a mark, finish. */
const carryOn: Step[] = [{ sleep: 3000 }, { write: [FILE.after, 'yes'] }, result]

interface Run {
  exit: AgentExit
  record: Recorded
  lines: string[]
  raw: string[]
  spawned: number[]
}

async function run(
  steps: Step[],
  over: Partial<AgentOptions> & { ignoreTerm?: boolean } = {},
): Promise<Run> {
  const { ignoreTerm = false, ...options } = over
  writeFileSync(at(FILE.scenario), JSON.stringify({ record: FILE.record, steps, ignoreTerm }))
  const lines: string[] = []
  const raw: string[] = []
  const spawned: number[] = []
  const exit = await runAgent({
    claudePath: process.execPath,
    args: [at(FILE.script), FILE.scenario, '-p', '--output-format', 'stream-json'],
    prompt: 'Fix the failing test.',
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AIRLOCK_FAKE: '1' },
    timeoutMs: 30_000,
    proof: {
      sessionFile: at(FILE.session),
      nonce: NONCE,
      logFile: at(FILE.log),
      tools: TOOLS,
      settingsFile: at(FILE.settings),
      settingsText: SETTINGS,
    },
    onSpawn: (pid) => spawned.push(pid),
    onLine: (line) => lines.push(line),
    onRawLine: (line) => raw.push(line),
    ...options,
  })
  const record = existsSync(at(FILE.record))
    ? (JSON.parse(readFileSync(at(FILE.record), 'utf8')) as Recorded)
    : ({} as Recorded)
  return { exit, record, lines, raw, spawned }
}

/** Whether `pid` still runs (a zombie, killed and not yet reaped, does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

describe('runAgent', () => {
  it('runs a clean session to its end: the lock proven, every line streamed', async () => {
    const { exit, record, lines, raw, spawned } = await run([
      startSession(),
      init(),
      toolUse('toolu_1'),
      hookDecision('toolu_1'),
      toolResult('toolu_1'),
      { line: 'a line that is not JSON' },
      { stderr: 'a warning from the CLI\n' },
      result,
      { exit: 0 },
    ])
    expect(exit).toMatchObject({ exitCode: 0, signal: null, timedOut: false, lockBroken: null })
    expect(exit.stream.init).toEqual({
      tools: ['Bash', 'Read'],
      permissionMode: 'bypassPermissions',
      model: 'claude-test',
    })
    expect(exit.stream.toolResults).toEqual(['toolu_1'])
    expect(exit.stream.result?.subtype).toBe('success')
    expect(exit.stderrTail).toBe('a warning from the CLI\n')
    expect(spawned).toEqual([record.pid])
    expect(raw).toHaveLength(5)
    // stdout and stderr are two pipes: their lines interleave in any order.
    expect(lines.filter((line) => !line.startsWith('stderr: '))).toEqual([
      expect.stringMatching(/^· session started \(model claude-test, mode bypassPermissions/),
      '→ Bash: echo hi',
      '← hi',
      'a line that is not JSON',
      expect.stringMatching(/^· finished: success, 1 turns/),
    ])
    expect(lines.filter((line) => line.startsWith('stderr: '))).toEqual([
      'stderr: a warning from the CLI',
    ])
  })

  it('starts the CLI in a session of its own, with exactly the given environment and folder', async () => {
    const { exit, record } = await run([startSession(), init(), result])
    expect(exit.lockBroken).toBeNull()
    expect(record.sid).toBe(record.pid)
    expect(record.cwd).toBe(dir)
    expect(Object.keys(record.env).sort()).toEqual(['AIRLOCK_FAKE', 'PATH'])
  })

  it('gives the prompt on stdin, never in argv, even when it reads like a flag', async () => {
    const prompt = '--dangerously-load-everything; then fix the test'
    const { record } = await run([startSession(), init(), result], { prompt })
    expect(record.stdin).toBe(prompt)
    expect(record.argv).toEqual([FILE.scenario, '-p', '--output-format', 'stream-json'])
    expect(record.argv.join(' ')).not.toContain('dangerously')
  })

  it.each<[string, Step[], RegExp]>([
    [
      "the SessionStart hook did not write this run's nonce",
      [startSession('nonce-of-another-run'), init()],
      /SessionStart hook did not write this run's nonce/,
    ],
    ['no SessionStart hook ran at all', [init()], /SessionStart hook did not write/],
    [
      'the CLI started in another permission mode',
      [startSession(), init({ permissionMode: 'default' })],
      /permission mode 'default', not bypassPermissions/,
    ],
    [
      'the CLI offered a tool outside the policy',
      [startSession(), init({ tools: ['Bash', 'WebFetch', 'mcp__x__y'] })],
      /tools the policy does not cover: WebFetch, mcp__x__y$/,
    ],
    [
      'the managed settings changed after Airlock wrote them',
      [startSession(), { write: [FILE.settings, '{}\n'] }, init()],
      /managed settings file changed/,
    ],
    [
      'a tool ran without a decision in the policy hook’s log',
      [startSession(), init(), toolUse('toolu_2'), toolResult('toolu_2')],
      /a tool ran without a decision from the policy hook/,
    ],
    [
      'a tool ran whose decision is logged for another call',
      [startSession(), init(), toolUse('toolu_3'), hookDecision('toolu_4'), toolResult('toolu_3')],
      /a tool ran without a decision from the policy hook/,
    ],
    [
      'the CLI called a tool before reporting its session',
      [startSession(), toolUse('toolu_5')],
      /called a tool before reporting its session start/,
    ],
  ])('kills the CLI at once when %s', async (_name, steps, why) => {
    const { exit } = await run([...steps, ...carryOn])
    expect(exit.lockBroken).toMatch(why)
    expect(exit.signal).toBe('SIGKILL')
    expect(exit.timedOut).toBe(false)
    expect(existsSync(at(FILE.after))).toBe(false)
    expect(exit.stream.result).toBeNull()
  })

  it('needs no logged decision for a tool call the CLI refused itself', async () => {
    const { exit } = await run([
      startSession(),
      init(),
      toolUse('toolu_6'),
      toolResult('toolu_6', true),
      result,
      { exit: 0 },
    ])
    expect(exit.lockBroken).toBeNull()
    expect(exit.exitCode).toBe(0)
  })

  it('does not count a CLI that never reported its session as proven', async () => {
    const { exit } = await run([{ line: 'Error: invalid API key' }, { exit: 1 }])
    expect(exit).toMatchObject({ exitCode: 1, signal: null, timedOut: false })
    expect(exit.lockBroken).toMatch(/exited without reporting a session/)
    expect(exit.stream.otherLines).toEqual(['Error: invalid API key'])
  })

  it('proves nothing and breaks nothing when it is given no proof', async () => {
    const { exit } = await run(
      [init({ permissionMode: 'default' }), toolUse('t'), toolResult('t')],
      {
        proof: null,
      },
    )
    expect(exit).toMatchObject({ exitCode: 0, lockBroken: null })
  })

  it('ends a CLI that runs past the timeout', async () => {
    const started = Date.now()
    const { exit } = await run([startSession(), init(), { sleep: 60_000 }], { timeoutMs: 500 })
    expect(exit).toMatchObject({ timedOut: true, signal: 'SIGTERM', lockBroken: null })
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('blames a timeout, not the lock, when the CLI timed out before its session started', async () => {
    const { exit } = await run([{ sleep: 60_000 }], { timeoutMs: 300 })
    expect(exit).toMatchObject({ timedOut: true, lockBroken: null })
  })

  it('ends everything the CLI started at the timeout: its process group, then its whole session', async () => {
    const inGroup = 'child.pid'
    const elsewhere = 'other-group.pid'
    const { exit, record } = await run(
      [startSession(), init(), { child: inGroup }, { otherGroup: elsewhere }, { sleep: 60_000 }],
      { timeoutMs: 2_000, ignoreTerm: true },
    )
    const pids = [inGroup, elsewhere].map((file) => Number(readFileSync(at(file), 'utf8')))
    expect(exit.timedOut).toBe(true)
    // The CLI ignored SIGTERM: it was killed after the grace period.
    expect(exit.signal).toBe('SIGKILL')
    for (const pid of [record.pid, ...pids]) expect(running(pid), `pid ${pid}`).toBe(false)
  }, 60_000)

  it('resolves only once everything in the session is gone, after a broken lock too', async () => {
    const elsewhere = 'other-group.pid'
    const { exit } = await run([
      { otherGroup: elsewhere },
      startSession('nonce-of-another-run'),
      init(),
      ...carryOn,
    ])
    expect(exit.lockBroken).toMatch(/did not write this run's nonce/)
    expect(running(Number(readFileSync(at(elsewhere), 'utf8')))).toBe(false)
  }, 60_000)

  it('reports a CLI that cannot be started, without a pid', async () => {
    const { exit, spawned } = await run([], { claudePath: path.join(dir, 'no-such-claude') })
    expect(exit).toMatchObject({ exitCode: null, signal: null, timedOut: false })
    expect(exit.stderrTail).toMatch(/ENOENT/)
    expect(spawned).toEqual([])
  })
})

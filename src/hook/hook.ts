/**
 * The managed policy hook, bundled to dist/hook/index.js and run by the CLI (outside the OS
 * sandbox) for every tool call and once at session start:
 *
 *   node dist/hook/index.js pre-tool-use  <policy.json>   (PreToolUse: allow or deny, log it)
 *   node dist/hook/index.js session-start <policy.json>   (SessionStart: write the run's nonce)
 *
 * It fails closed: any error denies the call (exit code 2 blocks the tool in the CLI).
 * `handleHook` does the work and returns what to print and the exit code (file I/O: reads the
 * policy, appends to the decision log, writes the nonce); `runHook` is the process shell around it.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { decide, type ToolCall } from './decide.js'
import type { HookPolicy, SessionStartEntry, ToolDecisionEntry } from '../types/hook-policy.js'
import { realpathLoose } from './realpath.js'

/** What the hook process prints and how it exits. */
export interface HookOutcome {
  /** 0 lets the CLI go on; 2 blocks the tool call. */
  exitCode: 0 | 2
  stdout: string
  stderr: string
}

/** What the hook reads besides its files: the tool call on stdin, and the clock. */
export interface HookIo {
  /** The whole of stdin; read only for `pre-tool-use`. */
  readStdin: () => string
  now: () => Date
}

const ALLOWED: HookOutcome = { exitCode: 0, stdout: '', stderr: '' }

/** The longest target kept in a decision log line. */
const MAX_LOGGED_TARGET = 2000

/** Refuses the call: the CLI reads the JSON on stdout, shows stderr, and blocks on exit code 2. */
function denied(reason: string): HookOutcome {
  return {
    exitCode: 2,
    stdout: JSON.stringify({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: `Airlock: ${reason}`,
      },
    }),
    stderr: `Airlock: ${reason}\n`,
  }
}

/**
 * Handles one hook event. `args` are the arguments after the script (`<event> <policy.json>`).
 * Never throws: a policy file that cannot be read or parsed, an unknown event, a tool call that
 * is not JSON with a `tool_name` and a `tool_input`, or any error on the way (a log that cannot
 * be written included) denies. An allowed tool call is logged before it is allowed; a denied one
 * is logged, then denied. `session-start` writes the policy's nonce (mode 0600) and logs it.
 */
export function handleHook(args: readonly string[], io: HookIo): HookOutcome {
  try {
    return handleEvent(args, io)
  } catch (error) {
    return denied(
      `the policy hook failed (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'})`,
    )
  }
}

function handleEvent(args: readonly string[], io: HookIo): HookOutcome {
  const [event, policyFile] = args
  let policy: HookPolicy
  try {
    policy = JSON.parse(readFileSync(policyFile ?? '', 'utf8')) as HookPolicy
  } catch {
    return denied('the policy file could not be read, so every tool call is refused')
  }
  if (event === 'session-start') {
    writeFileSync(policy.sessionFile, policy.nonce, { mode: 0o600 })
    const entry: SessionStartEntry = { event: 'session-start', time: io.now().toISOString() }
    appendFileSync(policy.logFile, `${JSON.stringify(entry)}\n`)
    return ALLOWED
  }
  if (event !== 'pre-tool-use') return denied(`unknown hook event ${String(event)}`)
  let call: ToolCall
  try {
    call = JSON.parse(io.readStdin()) as ToolCall
    if (typeof call.tool_name !== 'string' || typeof call.tool_input !== 'object')
      throw new Error('bad input')
  } catch {
    return denied('the tool call could not be parsed')
  }
  const decision = decide(policy, call, realpathLoose)
  const entry: ToolDecisionEntry = {
    event: 'pre-tool-use',
    time: io.now().toISOString(),
    tool: call.tool_name,
    toolUseId: call.tool_use_id ?? null,
    allow: decision.allow,
    reason: decision.reason,
    target: decision.target.slice(0, MAX_LOGGED_TARGET),
  }
  appendFileSync(policy.logFile, `${JSON.stringify(entry)}\n`)
  return decision.allow ? ALLOWED : denied(decision.reason)
}

/**
 * Runs the hook for the event in argv, with the tool call on stdin: prints what
 * {@link handleHook} answers and exits with code 2 when it denies.
 */
export function runHook(): void {
  const outcome = handleHook(process.argv.slice(2), {
    readStdin: () => readFileSync(0, 'utf8'),
    now: () => new Date(),
  })
  if (outcome.stdout !== '') process.stdout.write(outcome.stdout)
  if (outcome.stderr !== '') process.stderr.write(outcome.stderr)
  if (outcome.exitCode !== 0) process.exit(outcome.exitCode)
}

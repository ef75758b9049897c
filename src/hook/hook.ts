/**
 * The managed policy hook, bundled to dist/hook/index.js and run by the CLI (outside the OS
 * sandbox) for every tool call and once at session start:
 *
 *   node dist/hook/index.js pre-tool-use  <policy.json>   (PreToolUse: allow or deny, log it)
 *   node dist/hook/index.js session-start <policy.json>   (SessionStart: write the run's nonce)
 *
 * It fails closed: any error denies the call (exit code 2 blocks the tool in the CLI).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { decide, type ToolCall } from './decide.js'
import type { HookPolicy } from '../types/hook-policy.js'
import { realpathLoose } from './realpath.js'

function readStdin(): string {
  return readFileSync(0, 'utf8')
}

function deny(reason: string): never {
  process.stdout.write(
    JSON.stringify({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: `Airlock: ${reason}`,
      },
    }),
  )
  process.stderr.write(`Airlock: ${reason}\n`)
  process.exit(2)
}

function decideCall(): void {
  const [event, policyFile] = process.argv.slice(2)
  let policy: HookPolicy
  try {
    policy = JSON.parse(readFileSync(policyFile ?? '', 'utf8')) as HookPolicy
  } catch {
    deny('the policy file could not be read, so every tool call is refused')
  }
  if (event === 'session-start') {
    writeFileSync(policy.sessionFile, policy.nonce, { mode: 0o600 })
    appendFileSync(
      policy.logFile,
      `${JSON.stringify({ event: 'session-start', time: new Date().toISOString() })}\n`,
    )
    return
  }
  if (event !== 'pre-tool-use') deny(`unknown hook event ${String(event)}`)
  let call: ToolCall
  try {
    call = JSON.parse(readStdin()) as ToolCall
    if (typeof call.tool_name !== 'string' || typeof call.tool_input !== 'object')
      throw new Error('bad input')
  } catch {
    deny('the tool call could not be parsed')
  }
  const decision = decide(policy, call, realpathLoose)
  appendFileSync(
    policy.logFile,
    `${JSON.stringify({
      event: 'pre-tool-use',
      time: new Date().toISOString(),
      tool: call.tool_name,
      toolUseId: call.tool_use_id ?? null,
      allow: decision.allow,
      reason: decision.reason,
      target: decision.target.slice(0, 2000),
    })}\n`,
  )
  if (!decision.allow) deny(decision.reason)
}

/** Runs the hook for the event in argv; any error denies the call. */
export function runHook(): void {
  try {
    decideCall()
  } catch (error) {
    deny(
      `the policy hook failed (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'})`,
    )
  }
}

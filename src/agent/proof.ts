/**
 * The lock's proof while the CLI runs: what must be true at `system/init` and for every tool call,
 * and why it is not. I/O: reads the managed settings file, the session nonce and the policy
 * hook's decision log at the moment the event arrives.
 *
 * The managed settings must still hold exactly the bytes Airlock wrote; the SessionStart hook
 * (run only when the CLI accepted those settings) must have written this run's nonce; the mode
 * must be bypassPermissions; the tools must be a subset of the policy's; no tool may be called
 * before the session started; and every tool call that ran must have a decision in the hook's log.
 */
import { readFileSync } from 'node:fs'
import type { StreamEvent, StreamState } from './stream.js'

/** What proves the lock: the files the hooks write and what the CLI must report. */
export interface LockProof {
  /** Where the SessionStart hook writes `nonce`. */
  sessionFile: string
  nonce: string
  /** The policy hook's decision log. */
  logFile: string
  /** The tools the policy covers. */
  tools: string[]
  /** The managed settings as written: the file must still hold exactly these bytes. */
  settingsFile: string
  settingsText: string
}

/** Why a run that ended without a `system/init` event is not a success. */
export const NEVER_PROVEN =
  'the CLI exited without reporting a session, so the lock was never proven'

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Why the session the CLI reported at `system/init` is not locked, or null when it is. */
export function initProblem(
  proof: LockProof,
  init: NonNullable<StreamState['init']>,
): string | null {
  if (readOrEmpty(proof.settingsFile) !== proof.settingsText) {
    return 'the managed settings file changed after Airlock wrote it; the lock is not in force'
  }
  const nonce = readOrEmpty(proof.sessionFile)
  if (nonce !== proof.nonce) {
    return "the managed settings were not in force: the SessionStart hook did not write this run's nonce (a settings file the CLI cannot validate is silently ignored)"
  }
  if (init.permissionMode !== 'bypassPermissions') {
    return `the CLI started in permission mode '${init.permissionMode}', not bypassPermissions`
  }
  const extra = init.tools.filter((tool) => !proof.tools.includes(tool))
  if (extra.length > 0) {
    return `the CLI offered tools the policy does not cover: ${extra.join(', ')}`
  }
  return null
}

/**
 * Why the tool results in a `user` event are not proven, or null: each one that ran (not an
 * error the CLI returned itself) needs a decision for its `tool_use_id` in the hook's log.
 */
export function toolResultProblem(proof: LockProof, event: StreamEvent): string | null {
  const message = event.message as { content?: unknown } | undefined
  const blocks = Array.isArray(message?.content)
    ? (message.content as Record<string, unknown>[])
    : []
  for (const block of blocks) {
    if (
      block.type !== 'tool_result' ||
      block.is_error === true ||
      typeof block.tool_use_id !== 'string'
    ) {
      continue
    }
    const logged = readOrEmpty(proof.logFile).includes(
      `"toolUseId":${JSON.stringify(block.tool_use_id)}`,
    )
    if (!logged) {
      return 'a tool ran without a decision from the policy hook; the lock is not in force'
    }
  }
  return null
}

/**
 * Why `event` (just read into `stream`) shows the lock not in force, or null: checks the session
 * at `system/init`, a tool call before it, and the tool results of a `user` event.
 */
export function lockProblem(
  proof: LockProof,
  stream: StreamState,
  event: StreamEvent,
): string | null {
  if (event.type === 'system' && event.subtype === 'init' && stream.init !== null) {
    return initProblem(proof, stream.init)
  }
  if (event.type === 'assistant' && stream.init === null) {
    return 'the CLI called a tool before reporting its session start'
  }
  if (event.type === 'user') return toolResultProblem(proof, event)
  return null
}

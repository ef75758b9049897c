/**
 * The contract between the lock and the policy hook: the policy the lock writes to the private
 * folder, the events the CLI runs the hook for, and the lines the hook appends to its decision log.
 * Types only: the hook's bundle (`dist/hook`) imports this folder and `src/hook/`, nothing else.
 */

/** What the policy hook enforces; written to the private folder, read by `dist/hook`. */
export interface HookPolicy {
  version: 1
  /** Written by the SessionStart hook: proves the managed settings were loaded for this run. */
  nonce: string
  sessionFile: string
  /** Every decision is appended here, one JSON object per line. */
  logFile: string
  tools: string[]
  /** Real paths under which the file tools may write. */
  writeRoots: string[]
  /** Real paths the file tools may never write, even inside a write root. */
  denyWrite: string[]
  /** Real paths the file tools may never read. */
  denyRead: string[]
  /** Base-name globs no file tool may read or write, anywhere (`.env*`). */
  denyNames: string[]
  allowedDomains: string[]
}

/**
 * The hook's first argument, as the managed settings' hook commands pass it:
 * `pre-tool-use` (allow or deny one tool call) or `session-start` (write the run's nonce).
 */
export type HookEvent = 'pre-tool-use' | 'session-start'

/** The decision log's line for a session start. */
export interface SessionStartEntry {
  event: 'session-start'
  /** ISO 8601. */
  time: string
}

/**
 * The decision log's line for one tool call. The lock's proof looks for the raw text
 * `"toolUseId":<id as JSON>` in the log, so the key is written as is, with no spaces.
 */
export interface ToolDecisionEntry {
  event: 'pre-tool-use'
  /** ISO 8601. */
  time: string
  tool: string
  toolUseId: string | null
  allow: boolean
  reason: string
  /** The path, URL or command looked at, cut to 2000 characters. */
  target: string
}

/** One line of the decision log (JSON, one object per line). */
export type DecisionLogEntry = SessionStartEntry | ToolDecisionEntry

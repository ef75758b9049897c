/**
 * Plain data shared between the stages. Every stage takes and returns these shapes; none of them
 * carries a secret value (anything that may hold one is redacted before it is stored here).
 */

/** How strictly the runner must prove it is isolated. */
export type IsolationMode = 'container' | 'vm-or-container' | 'none'
/** Whether the OS sandbox must start. */
export type SandboxMode = 'required' | 'best-effort' | 'off'
/** What fails the step. */
export type FailOn = 'violation' | 'denial' | 'never'
/** When to post the PR comment. */
export type CommentMode = 'always' | 'on-change' | 'never'
/** The step's overall verdict, also the `conclusion` output. */
export type Conclusion = 'success' | 'violation' | 'agent-failed' | 'refused'

/** What kind of place the runner is, as far as the evidence shows. */
export type RunnerKind = 'container' | 'github-hosted-vm' | 'bare-host'

/** The guard's verdict: what the runner is, the evidence for it, and whether the agent may run. */
export interface IsolationVerdict {
  kind: RunnerKind
  /** One human-readable line per piece of evidence looked at, positive or negative. */
  evidence: string[]
  allowed: boolean
  /** Why the agent may not run (set when `allowed` is false) or why the check was skipped. */
  reason?: string
}

/** The agent's environment and what was taken out of it. Names only leave this object. */
export interface AgentEnvironment {
  /** The variables the agent's CLI process starts with (before the action adds its own). */
  env: Record<string, string>
  /** Names of the variables removed, sorted. */
  stripped: string[]
  /** Values removed (for the redactor and `core.setSecret`); never printed. */
  strippedValues: string[]
}

/** One file the agent changed, relative to the repository root. */
export interface ChangedFile {
  /** Repo-relative path, `/`-separated. Invalid UTF-8 bytes are shown as `\xNN`. */
  path: string
  /** Previous path, for renames. */
  oldPath?: string
  status: 'added' | 'modified' | 'deleted' | 'renamed' | 'type-changed'
  /** Lines added; `null` for binary files. */
  additions: number | null
  /** Lines removed; `null` for binary files. */
  deletions: number | null
  binary: boolean
  /** Git modes as octal strings (`100644`, `100755`, `120000`, `160000`), absent when the side does not exist. */
  oldMode?: string
  newMode?: string
  /** For a symlink on the new side: where it points. */
  symlinkTarget?: string
}

/** A commit the agent made (reachable from HEAD after the run, not before). */
export interface AgentCommit {
  sha: string
  subject: string
}

/** A broken rule. The detail never repeats a secret value. */
export interface Violation {
  kind: 'protected-path' | 'secret' | 'symlink-escape' | 'privileged-file' | 'lock'
  path?: string
  line?: number
  /** Which rule matched: a glob, a secret rule id, ... */
  rule: string
  /** One sentence for the reader, redacted. */
  detail: string
}

/** Something the agent tried that the lock refused. */
export interface Denial {
  source: 'cli' | 'hook' | 'sandbox'
  /** The refused call, when known: the same call may be refused and reported by two sources. */
  toolUseId?: string
  tool: string
  /** The command, path or URL concerned, redacted and shortened. */
  target: string
  reason: string
}

/** The CLI's run, as read from its stream. */
export interface AgentRun {
  /** Process exit code; `null` if it was killed by a signal. */
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  /** Set when the action ended the CLI on purpose (lock not proven, timeout, ...). */
  killedReason?: string
  /** The `result` event's fields, when the CLI got that far. */
  subtype?: string
  isError?: boolean
  numTurns?: number
  costUsd?: number
  durationMs: number
  /** The agent's final message, already redacted. */
  result?: string
  denials: Denial[]
}

/** Everything the audit found, compared with the snapshot taken just before the agent started. */
export interface AuditRecord {
  baseline: { head: string | null; tree: string }
  final: { head: string | null; tree: string }
  commits: AgentCommit[]
  /**
   * HEAD after the run does not descend from HEAD before it (reset, rebase, amend, another
   * branch): `commits` then lists what the new HEAD has that the old one did not.
   */
  historyRewritten?: boolean
  files: ChangedFile[]
  /** New files under ignored paths (not in `files`). */
  ignored: string[]
  violations: Violation[]
}

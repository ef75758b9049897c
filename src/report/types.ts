/**
 * What the report is made from: the run's facts as the pipeline gathered them. Types only.
 *
 * Everything here that comes from the agent or the repository is plain text, escaped by whoever
 * renders it; only `marker`, and `runUrl` when it is an `http(s)` address, go into markdown as
 * they are.
 */

import type {
  AgentRun,
  AuditRecord,
  Conclusion,
  Denial,
  FailOn,
  IsolationVerdict,
} from '../types/stages.js'

/** What the lock put in place, as far as the reader needs to know. */
export interface LockSummary {
  /** `weaker-nested`: the sandbox runs without its own user namespace (inside a container). */
  sandbox: 'on' | 'off' | 'weaker-nested'
  allowedDomains: string[]
  denyRules: number
  /** The managed hooks proved they were loaded (nonce seen). */
  hookVerified: boolean
}

/** Everything the report shows. Only `marker`, `runUrl` and `moreAt` are trusted as markdown. */
export interface ReportInput {
  conclusion: Conclusion
  /** Why the run was refused or the agent failed: one sentence, plain text (it is escaped). */
  reason?: string
  failOn: FailOn
  isolation?: IsolationVerdict
  /** Names of the variables removed from the agent's environment. */
  stripped: string[]
  lock?: LockSummary
  agent?: AgentRun
  audit?: AuditRecord
  denials: Denial[]
  /** Link to the workflow run; only `http(s)` addresses are rendered. */
  runUrl?: string
  /** The hidden HTML comment that must be the first line (see `stickyMarker` in `marker.ts`). */
  marker: string
  /** Where the transcript is, plain text (it is escaped). */
  transcriptNote?: string
}

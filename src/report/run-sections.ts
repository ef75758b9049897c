/**
 * The sections that describe the run's setting rather than its changes: the agent's stats, the
 * isolation verdict with its evidence, the variables removed from the environment, the lock, and
 * the footer (transcript note and link to the run).
 *
 * Pure: the report's input in, markdown out.
 */

import type { AgentRun, IsolationVerdict } from '../types/stages.js'
import { codeSpan, escapeCell } from './escape.js'
import { details, formatCost, formatDuration, num, plural, row, table } from './format.js'
import { clip } from './measure.js'
import type { LockSummary, ReportInput } from './types.js'

/** Most isolation evidence lines listed. */
const MAX_EVIDENCE = 100
/** Most allowed hosts named. */
const MAX_DOMAINS = 30

/** The agent's stats in one table row (turns, cost, duration, exit, result, timeout). */
export function agentSection(agent: AgentRun | undefined): string {
  if (agent === undefined) return '#### Agent\n\nThe agent did not run.'
  const exit =
    agent.exitCode !== null
      ? String(agent.exitCode)
      : agent.signal !== null
        ? escapeCell(agent.signal)
        : '—'
  const result = agent.subtype === undefined ? '—' : escapeCell(clip(agent.subtype, 60))
  const lines = [
    '#### Agent',
    '',
    ...table(
      ['Turns', 'Cost', 'Duration', 'Exit', 'Result', 'Timed out'],
      [
        row([
          agent.numTurns === undefined ? '—' : num(agent.numTurns),
          agent.costUsd === undefined ? '—' : escapeCell(formatCost(agent.costUsd)),
          formatDuration(agent.durationMs),
          exit,
          agent.isError === true ? `${result} (error)` : result,
          agent.timedOut ? '**yes**' : 'no',
        ]),
      ],
    ),
  ]
  if (agent.killedReason !== undefined) {
    lines.push('', `Airlock stopped the agent: ${escapeCell(clip(agent.killedReason, 300))}`)
  }
  return lines.join('\n')
}

/** The isolation verdict; with `withEvidence`, the evidence in a collapsed list. */
export function isolationSection(isolation: IsolationVerdict, withEvidence: boolean): string {
  const reason = isolation.reason === undefined ? '' : ` ${escapeCell(clip(isolation.reason, 300))}`
  const line = `**Isolation:** ${escapeCell(isolation.kind)}, ${isolation.allowed ? 'allowed' : '**refused**'}.${reason}`
  if (isolation.evidence.length === 0) return line
  if (!withEvidence) return `${line} (Evidence left out to fit.)`
  const items = isolation.evidence
    .slice(0, MAX_EVIDENCE)
    .map((e) => `- ${escapeCell(clip(e, 300))}`)
  if (isolation.evidence.length > MAX_EVIDENCE) {
    items.push(`- … and ${num(isolation.evidence.length - MAX_EVIDENCE)} more`)
  }
  return `${line}\n\n${details(`Isolation evidence (${num(isolation.evidence.length)})`, items.join('\n'))}`
}

/** How many variables were removed; with `withNames`, their names in a collapsed block. */
export function strippedSection(stripped: string[], withNames: boolean): string {
  const line =
    stripped.length === 0
      ? "**Environment:** no variables were removed from the agent's environment."
      : `**Environment:** ${plural(stripped.length, 'variable')} removed from the agent's environment.`
  if (stripped.length === 0 || !withNames) return line
  const names = stripped.map((n) => codeSpan(clip(n, 100), 'inline')).join(', ')
  return `${line}\n\n${details(`Removed variables (${num(stripped.length)})`, names)}`
}

/** The lock in one line: sandbox, hook, deny rules and the hosts allowed to commands. */
export function lockSection(lock: LockSummary | undefined): string {
  if (lock === undefined) return '**Lock:** not applied.'
  const sandbox =
    lock.sandbox === 'on'
      ? 'OS sandbox on'
      : lock.sandbox === 'weaker-nested'
        ? 'OS sandbox on (weaker nested mode, inside a container)'
        : 'OS sandbox **off** (shell commands were not confined)'
  const hook = lock.hookVerified ? 'policy hook verified' : 'policy hook **not verified**'
  const domains =
    lock.allowedDomains.length === 0
      ? 'no outbound hosts allowed to commands'
      : `hosts allowed to commands: ${lock.allowedDomains
          .slice(0, MAX_DOMAINS)
          .map((d) => codeSpan(clip(d, 100), 'inline'))
          .join(
            ', ',
          )}${lock.allowedDomains.length > MAX_DOMAINS ? ` and ${num(lock.allowedDomains.length - MAX_DOMAINS)} more` : ''}`
  return `**Lock:** ${sandbox} · ${hook} · ${plural(lock.denyRules, 'deny rule')} · ${domains}.`
}

/** The transcript note and, for an `http(s)` address only, the link to the workflow run. */
export function footerSection(input: ReportInput): string {
  const lines: string[] = []
  if (input.transcriptNote !== undefined && input.transcriptNote !== '') {
    lines.push(escapeCell(clip(input.transcriptNote, 300)))
  }
  if (input.runUrl !== undefined && /^https?:\/\/[^\s<>()[\]"'`\\]+$/.test(input.runUrl)) {
    lines.push(`[Workflow run](${input.runUrl})`)
  }
  return lines.join(' · ')
}

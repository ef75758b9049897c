/**
 * The verdict: which conclusion a run gets and whether the step fails (`fail-on`), and the one
 * sentence that explains it, in the report and in the log.
 *
 * Pure: counts and the report's input in, a verdict and plain text out.
 */

import type { AgentRun, Conclusion, FailOn } from '../types/stages.js'
import { visible } from './escape.js'
import { formatCost, formatDuration, plural } from './format.js'
import { clip } from './measure.js'
import type { ReportInput } from './types.js'

/**
 * The verdict and whether the step fails.
 *
 * Precedence: refused > violation > agent-failed > blocked actions (only with `fail-on: denial`) >
 * success. A violation outranks an agent failure because whether the policy held is what the
 * reviewer must know first; the report still shows the agent's exit.
 *
 * `fail-on` governs what the agent's run can fail:
 * - `violation` (default): a violation or an agent failure fails the step; blocked actions are
 *   reported only.
 * - `denial`: any blocked action fails the step too, with conclusion `violation` and the reason
 *   "N blocked actions (fail-on: denial)".
 * - `never`: nothing the agent did fails the step (advisory mode); the `conclusion` output still
 *   carries the verdict for later steps to act on.
 *
 * A refusal is not a run: the guard or the lock could not be established, so the step fails
 * whatever `fail-on` says, as an invalid input would.
 */
export function conclusionFor(args: {
  refused?: boolean
  agentFailed: boolean
  violations: number
  denials: number
  failOn: FailOn
}): { conclusion: Conclusion; fail: boolean; reason?: string } {
  const { agentFailed, violations, denials, failOn } = args
  const enforced = failOn !== 'never'
  if (args.refused === true) return { conclusion: 'refused', fail: true }
  if (violations > 0) {
    const also = agentFailed ? '; the agent also failed' : ''
    return {
      conclusion: 'violation',
      fail: enforced,
      reason: `${plural(violations, 'policy violation')}${also}.`,
    }
  }
  if (agentFailed) return { conclusion: 'agent-failed', fail: enforced }
  if (denials > 0 && failOn === 'denial') {
    return {
      conclusion: 'violation',
      fail: true,
      reason: `${plural(denials, 'blocked action')} (fail-on: denial).`,
    }
  }
  return { conclusion: 'success', fail: false }
}

/** The verdict as the report and the log name it. */
export const VERDICT_WORD: Record<Conclusion, string> = {
  success: 'success',
  violation: 'violation',
  'agent-failed': 'agent failed',
  refused: 'refused',
}

/**
 * One plain-text line for the log: verdict, reason and counts. Control characters are shown as
 * escapes, so the line cannot start a workflow command or span several lines.
 */
export function summaryLine(input: ReportInput): string {
  const files = input.audit?.files.length ?? 0
  const violations = input.audit?.violations.length ?? 0
  const counts = [
    plural(violations, 'violation'),
    plural(input.denials.length, 'blocked action'),
    `${plural(files, 'file')} changed`,
  ]
  if (input.agent?.numTurns !== undefined) counts.push(plural(input.agent.numTurns, 'turn'))
  if (input.agent?.costUsd !== undefined) counts.push(formatCost(input.agent.costUsd))
  const sentence = visible(clip(verdictText(input), 300))
  return `Airlock: ${VERDICT_WORD[input.conclusion]} — ${sentence} (${counts.join(', ')})`
}

/**
 * One plain-text sentence that explains the verdict: the given `reason` when there is one, else
 * built from the run (what was refused, how the agent failed, what was violated). Not escaped.
 */
export function verdictText(input: ReportInput): string {
  if (input.reason !== undefined && input.reason.trim() !== '') return input.reason.trim()
  const violations = input.audit?.violations ?? []
  const denials = input.denials.length
  const files = input.audit?.files.length ?? 0
  switch (input.conclusion) {
    case 'refused': {
      const why = input.isolation?.allowed === false ? input.isolation.reason : undefined
      return why === undefined
        ? 'Airlock refused to start the agent.'
        : `Airlock refused to start the agent: ${why}`
    }
    case 'agent-failed':
      return agentFailure(input.agent)
    case 'violation': {
      if (violations.length > 0) {
        const kinds = [...new Set(violations.map((v) => v.kind))].join(', ')
        const blocked = denials > 0 ? `; ${plural(denials, 'blocked action')}` : ''
        return `${plural(violations.length, 'policy violation')} (${kinds})${blocked}.`
      }
      return `${plural(denials, 'blocked action')} (fail-on: ${input.failOn}).`
    }
    case 'success':
      return `No policy violations; ${plural(files, 'file')} changed, ${plural(denials, 'blocked action')}.`
  }
}

function agentFailure(agent: AgentRun | undefined): string {
  if (agent === undefined) return 'The agent did not run to completion.'
  if (agent.timedOut) return `The agent timed out after ${formatDuration(agent.durationMs)}.`
  if (agent.killedReason !== undefined) return `Airlock stopped the agent: ${agent.killedReason}`
  if (agent.signal !== null) return `The agent was ended by ${agent.signal}.`
  if (agent.exitCode !== null && agent.exitCode !== 0) {
    return `The agent exited with code ${agent.exitCode}.`
  }
  if (agent.isError === true) {
    return `The agent reported an error (${agent.subtype ?? 'no subtype'}).`
  }
  return 'The agent did not finish.'
}

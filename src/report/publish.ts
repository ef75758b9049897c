/**
 * Report, as a pipeline stage: renders the report from what the run recorded, writes the job
 * summary, upserts the sticky PR comment, annotates each violation, writes `report-file`, sets
 * every output and fails the step when the verdict says so. Loaded by `run()` with `import()`
 * after the agent, not at start-up: the report's number formatting alone (ICU) took 50 ms or more
 * to set up. Everything written is redacted. I/O (rendering, in `report.ts`, is pure).
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { Outputs, type Config, type RunnerEnv } from '../inputs/index.js'
import { errorMessage } from '../pipeline/errors.js'
import type { Redactor } from '../secrets/index.js'
import type { Conclusion, Violation } from '../types/stages.js'
import { findPullRequestNumber } from './pull-request.js'
import { matrixKey, stickyMarker } from './marker.js'
import { reportRecord } from './record.js'
import { renderReport, SUMMARY_LIMIT } from './render.js'
import { upsertStickyComment, type CommentsClient } from './sticky-comment.js'
import type { ReportInput } from './types.js'
import { conclusionFor, summaryLine } from './verdict.js'

/** What the run recorded, stage by stage; the report is rendered from whatever got filled in. */
export interface RunFacts extends Pick<
  ReportInput,
  'isolation' | 'stripped' | 'lock' | 'agent' | 'audit' | 'denials'
> {
  /** Null when the inputs were refused. */
  config: Config | null
  /** Why the agent did not run, or was stopped: one sentence, redacted. */
  refusal?: string
  /** Why the agent failed: one sentence, redacted. */
  agentFailure?: string
}

/** The part of `@actions/github` the report uses; a fake in tests. */
export interface GitHubApi {
  readonly context: {
    readonly eventName: string
    readonly payload: unknown
    readonly repo: { owner: string; repo: string }
  }
  readonly getOctokit: (token: string) => CommentsClient
}

/** Where the report goes and what it may print. */
export interface PublishOptions {
  redactor: Redactor
  /** Where `report-file` is written; null when the run stopped before the folder was made. */
  outDir: string | null
  runner: RunnerEnv
  /** Loads `@actions/github` (only when a comment may be posted: Octokit is heavy). */
  github?: () => Promise<GitHubApi>
}

/** Publishes the report of `facts` everywhere it goes, and fails the step when the verdict says so. */
export async function publishReport(facts: RunFacts, options: PublishOptions): Promise<void> {
  const { redactor, outDir } = options
  const failOn = facts.config?.failOn ?? 'violation'
  const violations = facts.audit?.violations ?? []
  const verdict = conclusionFor({
    refused: facts.refusal !== undefined,
    agentFailed: facts.agentFailure !== undefined,
    violations: violations.length,
    denials: facts.denials.length,
    failOn,
  })
  const conclusion: Conclusion = verdict.conclusion
  const reason = facts.refusal ?? facts.agentFailure
  const input = reportInput(facts, conclusion, options.runner)
  const body = redactor.redact(renderReport(input))
  core.info(redactor.redact(summaryLine(input)))

  try {
    await core.summary
      .addRaw(redactor.redact(renderReport(input, { limit: SUMMARY_LIMIT })))
      .write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
  const commentUrl = await postComment(facts, input, body, options)
  annotate(violations, redactor)

  if (outDir !== null) {
    const reportFile = path.join(outDir, 'report.json')
    writeFileSync(reportFile, `${redactor.redact(JSON.stringify(reportRecord(input), null, 2))}\n`)
    core.setOutput(Outputs.ReportFile, reportFile)
  }
  setOutputs(facts, conclusion, commentUrl, redactor)

  if (verdict.fail) {
    core.setFailed(
      redactor.redact(failureSentence(conclusion, reason, violations.length, facts.denials.length)),
    )
  }
}

/** The report's input: the facts, the verdict, the run's link and the sticky comment's marker. */
function reportInput(facts: RunFacts, conclusion: Conclusion, runner: RunnerEnv): ReportInput {
  const reason = facts.refusal ?? facts.agentFailure
  const marker = stickyMarker(
    runner.GITHUB_WORKFLOW ?? 'workflow',
    runner.GITHUB_JOB ?? 'job',
    matrixKey(facts.config?.matrix ?? ''),
  )
  const serverUrl = runner.GITHUB_SERVER_URL ?? 'https://github.com'
  const runUrl =
    runner.GITHUB_REPOSITORY !== undefined && runner.GITHUB_RUN_ID !== undefined
      ? `${serverUrl}/${runner.GITHUB_REPOSITORY}/actions/runs/${runner.GITHUB_RUN_ID}`
      : undefined
  return {
    conclusion,
    ...(reason !== undefined ? { reason } : {}),
    failOn: facts.config?.failOn ?? 'violation',
    ...(facts.isolation !== undefined ? { isolation: facts.isolation } : {}),
    stripped: facts.stripped,
    ...(facts.lock !== undefined ? { lock: facts.lock } : {}),
    ...(facts.agent !== undefined ? { agent: facts.agent } : {}),
    ...(facts.audit !== undefined ? { audit: facts.audit } : {}),
    denials: facts.denials,
    ...(runUrl !== undefined ? { runUrl } : {}),
    marker,
    transcriptNote:
      'The whole session (tool calls, results, policy decisions, commits), redacted, is in the transcript-file output; upload it with actions/upload-artifact to keep it.',
  }
}

/**
 * Upserts the sticky comment on the pull request, when there is one, a token, and `comment` asks
 * for it (`on-change`: only when files changed or the run did not succeed). Never throws: a
 * failure is a warning. Returns the comment's address, or ''.
 */
async function postComment(
  facts: RunFacts,
  input: ReportInput,
  body: string,
  options: PublishOptions,
): Promise<string> {
  const { config } = facts
  const { redactor } = options
  if (config === null || config.comment === 'never' || config.githubToken === '') return ''
  const changed = (facts.audit?.files.length ?? 0) > 0
  try {
    // Loaded only here, after the agent: Octokit is most of what @actions/github weighs.
    const github = await (options.github ?? (() => import('@actions/github')))()
    const prNumber = findPullRequestNumber(github.context.eventName, github.context.payload)
    const wantComment =
      prNumber !== null &&
      (config.comment === 'always' || changed || input.conclusion !== 'success')
    if (!wantComment) return ''
    const octokit = github.getOctokit(config.githubToken)
    const { owner, repo } = github.context.repo
    const result = await upsertStickyComment(
      octokit,
      { owner, repo, issueNumber: prNumber, marker: input.marker, body },
      { log: { info: core.info, warning: core.warning } },
    )
    if (result.warning !== undefined) core.warning(redactor.redact(result.warning))
    return result.url ?? ''
  } catch (error) {
    core.warning(redactor.redact(`Could not post the PR comment: ${errorMessage(error)}`))
    return ''
  }
}

/** One error annotation per violation, on its file and line when known. */
function annotate(violations: Violation[], redactor: Redactor): void {
  for (const violation of violations) {
    core.error(redactor.redact(violation.detail), {
      title: `Airlock: ${violation.kind}`,
      ...(violation.path !== undefined ? { file: violation.path } : {}),
      ...(violation.line !== undefined ? { startLine: violation.line } : {}),
    })
  }
}

/** Every output but `report-file`, `patch-file` and `transcript-file` (set where they are written). */
function setOutputs(
  facts: RunFacts,
  conclusion: Conclusion,
  commentUrl: string,
  redactor: Redactor,
): void {
  const violations = facts.audit?.violations ?? []
  core.setOutput(Outputs.Conclusion, conclusion)
  core.setOutput(Outputs.ExitCode, facts.agent?.exitCode ?? '')
  core.setOutput(Outputs.ChangedFiles, redactor.redact(JSON.stringify(facts.audit?.files ?? [])))
  core.setOutput(Outputs.Violations, redactor.redact(JSON.stringify(violations)))
  core.setOutput(Outputs.StrippedEnv, JSON.stringify(facts.stripped))
  core.setOutput(Outputs.PermissionDenials, String(facts.denials.length))
  core.setOutput(Outputs.CommentUrl, commentUrl)
  core.setOutput(Outputs.Result, facts.agent?.result ?? '')
  core.setOutput(
    Outputs.CostUsd,
    facts.agent?.costUsd !== undefined ? String(facts.agent.costUsd) : '',
  )
  core.setOutput(
    Outputs.Turns,
    facts.agent?.numTurns !== undefined ? String(facts.agent.numTurns) : '',
  )
}

/** The step's failure message: what happened and what to do. */
function failureSentence(
  conclusion: Conclusion,
  reason: string | undefined,
  violations: number,
  denials: number,
): string {
  switch (conclusion) {
    case 'refused':
      return `Airlock refused to run the agent: ${reason ?? 'see the log'}`
    case 'agent-failed':
      return `The agent failed: ${reason ?? 'see the log'} The report lists what it changed before it stopped.`
    case 'violation':
      return violations > 0
        ? `The agent broke the policy (${violations} violation${violations === 1 ? '' : 's'}); read the report before merging anything it changed.`
        : `The agent tried ${denials} blocked action${denials === 1 ? '' : 's'} (fail-on: denial); read the report.`
    default:
      return 'Airlock failed.'
  }
}

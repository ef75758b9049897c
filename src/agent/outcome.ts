/**
 * What the agent's run produced, read once the runner is put back: the blocked actions from all
 * three sources (the CLI, the policy hook, the sandbox) with each refused call counted once, the
 * transcript (`transcript-file`), and how the run ended: stopped for a broken lock (a refusal),
 * timed out or failed (an agent failure), or fine. Everything kept is redacted. `agentRun` and
 * `agentOutcome` are pure; the rest reads the hook's and the CLI's logs and writes the transcript.
 */
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import * as core from '@actions/core'
import { Outputs } from '../inputs/index.js'
import type { Redactor } from '../secrets/index.js'
import type { AgentRun, Denial } from '../types/stages.js'
import type { AgentExit } from './run.js'
import { MAX_SANDBOX_DENIALS, sandboxDenials } from './sandbox-log.js'
import type { AgentRan } from './stage.js'

/** The run as the report shows it; the final message redacted. */
export function agentRun(exit: AgentExit, redactor: Redactor): AgentRun {
  const result = exit.stream.result
  return {
    exitCode: exit.exitCode,
    signal: exit.signal,
    timedOut: exit.timedOut,
    ...(exit.lockBroken !== null ? { killedReason: exit.lockBroken } : {}),
    ...(result !== null ? { subtype: result.subtype, isError: result.isError } : {}),
    ...(result?.numTurns !== null && result?.numTurns !== undefined
      ? { numTurns: result.numTurns }
      : {}),
    ...(result?.costUsd !== null && result?.costUsd !== undefined
      ? { costUsd: result.costUsd }
      : {}),
    durationMs: exit.durationMs,
    ...(result?.text !== null && result?.text !== undefined
      ? { result: redactor.redact(result.text) }
      : {}),
    denials: exit.stream.denials,
  }
}

/**
 * How the run ended, as the report's reason: a `refusal` when Airlock stopped the agent because
 * the lock was not proven, an `agentFailure` when it timed out or the CLI failed, neither when it
 * finished.
 */
export function agentOutcome(
  exit: AgentExit,
  timeoutMinutes: number,
  redactor: Redactor,
): { refusal?: string; agentFailure?: string } {
  if (exit.lockBroken !== null) {
    const said = exit.stderrTail.trim().split('\n').at(-1)?.slice(0, 200) ?? ''
    return {
      refusal: redactor.redact(
        `The agent was stopped: ${exit.lockBroken}${said !== '' && exit.stream.init === null ? ` (the CLI said: ${said})` : ''}.`,
      ),
    }
  }
  if (exit.timedOut) {
    return {
      agentFailure: `The agent did not finish within timeout-minutes (${timeoutMinutes}) and was stopped.`,
    }
  }
  if (exit.exitCode !== 0 || exit.stream.result?.isError === true) {
    return { agentFailure: agentFailureReason(exit, redactor) }
  }
  return {}
}

/** Why the CLI failed, in one sentence that names what to check. */
export function agentFailureReason(exit: AgentExit, redactor: Redactor): string {
  const result = exit.stream.result
  if (result?.subtype === 'error_max_turns') return 'The agent reached max-turns before finishing.'
  if (result?.apiErrorStatus !== null && result?.apiErrorStatus !== undefined) {
    return `The model API answered ${result.apiErrorStatus}; check anthropic-api-key and anthropic-base-url.`
  }
  const detail =
    result?.text ?? exit.stream.otherLines.at(-1) ?? exit.stderrTail.trim().split('\n').at(-1) ?? ''
  return redactor.redact(
    `The CLI exited with ${exit.exitCode === null ? `signal ${exit.signal ?? '?'}` : `code ${exit.exitCode}`}${detail !== '' ? `: ${detail.slice(0, 300)}` : ''}.`,
  )
}

/**
 * Every blocked action, each refused call once: the CLI's permission denials (but those the hook
 * refused, reported as the hook's), the hook's, and the sandbox's network refusals from the CLI's
 * debug log `debugLog`. Targets redacted.
 */
export async function agentDenials(
  ran: AgentRan,
  debugLog: string,
  redactor: Redactor,
): Promise<Denial[]> {
  const byHook = new Set(ran.hookLog.denials.map((d) => d.toolUseId))
  return [
    ...ran.exit.stream.denials
      .filter((d) => d.toolUseId === undefined || !byHook.has(d.toolUseId))
      .map((d) => ({ ...d, target: redactor.redact(d.target) })),
    ...ran.hookLog.denials,
    ...(await readSandboxDenials(debugLog)).map((d) => ({
      ...d,
      target: redactor.redact(d.target),
    })),
  ]
}

/**
 * Writes the transcript to `outDir` (the CLI's stream, the hook's decisions, the sandbox's
 * refusals; all redacted) and sets `transcript-file`. Returns its path.
 */
export function writeTranscript(outDir: string, ran: AgentRan, denials: Denial[]): string {
  const transcriptFile = path.join(outDir, 'transcript.jsonl')
  for (const line of ran.transcript) writeFileSync(transcriptFile, `${line}\n`, { flag: 'a' })
  for (const entry of ran.hookLog.entries) {
    writeFileSync(transcriptFile, `${entry}\n`, { flag: 'a' })
  }
  for (const denial of denials.filter((d) => d.source === 'sandbox')) {
    const line = JSON.stringify({
      event: 'sandbox-refusal',
      target: denial.target,
      reason: denial.reason,
    })
    writeFileSync(transcriptFile, `${line}\n`, { flag: 'a' })
  }
  core.setOutput(Outputs.TranscriptFile, transcriptFile)
  return transcriptFile
}

/** The sandbox's network refusals from the CLI's debug log, read as a stream (it can be long). */
async function readSandboxDenials(file: string): Promise<Denial[]> {
  if (!existsSync(file)) return []
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
  const matching: string[] = []
  for await (const line of lines) {
    if (line.includes('[sandbox] Blocked network request')) matching.push(line)
    if (matching.length >= MAX_SANDBOX_DENIALS) break
  }
  lines.close()
  return sandboxDenials(matching)
}

/** What the policy hook logged: whether its session started, what it refused, every line. */
export interface HookLog {
  sessionStarted: boolean
  denials: Denial[]
  /** Every line, redacted, for the transcript. */
  entries: string[]
}

/** Reads the hook's decision log (empty when there is none). A line that is not JSON is kept only in `entries`. */
export function readHookLog(file: string, redactor: Redactor): HookLog {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return { sessionStarted: false, denials: [], entries: [] }
  }
  const log: HookLog = { sessionStarted: false, denials: [], entries: [] }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const redacted = redactor.redact(line)
    log.entries.push(redacted)
    try {
      const entry = JSON.parse(redacted) as {
        toolUseId?: string | null
        event?: string
        allow?: boolean
        tool?: string
        reason?: string
        target?: string
      }
      if (entry.event === 'session-start') log.sessionStarted = true
      if (entry.event === 'pre-tool-use' && entry.allow === false) {
        log.denials.push({
          source: 'hook',
          ...(typeof entry.toolUseId === 'string' ? { toolUseId: entry.toolUseId } : {}),
          tool: entry.tool ?? '?',
          target: entry.target ?? '',
          reason: entry.reason ?? '',
        })
      }
    } catch {
      // A line that is not JSON is kept in the transcript only.
    }
  }
  return log
}

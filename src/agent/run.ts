/**
 * Runs the CLI and watches it: its stream line by line, the lock's proof on every event, the
 * timeout, and its exit. I/O, through `session.ts` (the process) and `proof.ts` (the checks).
 *
 * When a proof fails, the CLI's process group is killed at once and `lockBroken` says why; at the
 * timeout, everything in its session is ended; `runAgent` resolves only once the CLI and every
 * process in its session are gone.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { lockProblem, NEVER_PROVEN, type LockProof } from './proof.js'
import { endAgentProcesses, signalGroup, spawnInSession, type SpawnOptions } from './session.js'
import { StreamState, renderEvent } from './stream.js'

export { endAgentProcesses } from './session.js'

/** How to start the CLI and how to watch it. */
export interface AgentOptions extends SpawnOptions {
  timeoutMs: number
  /** The lock's proof (see `proof.ts`), or null to run without proving it. */
  proof: LockProof | null
  /** Called with the CLI's pid (also its process group and session) as soon as it exists. */
  onSpawn: (pid: number) => void
  /** Readable lines for the log (the caller redacts and fences them). */
  onLine: (line: string) => void
  /** Every raw stream line, for the transcript (the caller redacts it). */
  onRawLine: (line: string) => void
}

/** How the CLI's process ended. */
export interface AgentExit {
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  /** Set when Airlock ended the CLI because the lock was not proven. */
  lockBroken: string | null
  durationMs: number
  stream: StreamState
  stderrTail: string
}

/** Why Airlock stopped the CLI, if it did: the first broken proof, or the timeout. */
class Stopper {
  readonly #pid: number | undefined
  #lockBroken: string | null = null
  #timedOut = false

  constructor(pid: number | undefined) {
    this.#pid = pid
  }

  get lockBroken(): string | null {
    return this.#lockBroken
  }

  get timedOut(): boolean {
    return this.#timedOut
  }

  /** Kills the CLI's process group at once; the first reason is the one kept. */
  breakLock(why: string): void {
    if (this.#lockBroken !== null) return
    this.#lockBroken = why
    if (this.#pid !== undefined) signalGroup(this.#pid, 'SIGKILL')
  }

  /** Ends the CLI and everything in its session (see `endAgentProcesses`). */
  timeOut(): void {
    this.#timedOut = true
    if (this.#pid !== undefined) void endAgentProcesses(this.#pid)
  }
}

/** Reads the CLI's stream-JSON: every line to the transcript and the log, every event proven. */
function watchStdout(
  child: ChildProcessWithoutNullStreams,
  stream: StreamState,
  options: AgentOptions,
  stopper: Stopper,
): void {
  const proof = options.proof
  const stdout = createInterface({ input: child.stdout })
  stdout.on('line', (line) => {
    options.onRawLine(line)
    const event = stream.push(line)
    if (event === null) {
      if (line.trim() !== '') options.onLine(line)
      return
    }
    for (const out of renderEvent(event)) options.onLine(out)
    const problem = proof !== null ? lockProblem(proof, stream, event) : null
    if (problem !== null) stopper.breakLock(problem)
  })
}

/** The CLI's standard error: each line to the log, the last 4000 characters kept in `tail`. */
function watchStderr(
  child: ChildProcessWithoutNullStreams,
  options: AgentOptions,
): { tail: string } {
  const kept = { tail: '' }
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    kept.tail = (kept.tail + chunk).slice(-4000)
    for (const line of chunk.split('\n')) if (line.trim() !== '') options.onLine(`stderr: ${line}`)
  })
  return kept
}

/** The CLI's exit code and signal once it closed; a spawn error resolves both null, told in `kept`. */
function waitForExit(
  child: ChildProcessWithoutNullStreams,
  kept: { tail: string },
): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve) => {
    child.on('error', (error) => {
      kept.tail += `\n${error.message}`
      resolve([null, null])
    })
    child.on('close', (code, sig) => {
      resolve([code, sig])
    })
  })
}

/**
 * Runs the CLI with an argument array in its own session, streams its output line by line,
 * and proves the lock while it runs: at `system/init` the SessionStart hook must have written
 * the run's nonce, the mode must be bypassPermissions and the tools a subset of the policy's;
 * every tool call that ran must have a decision in the policy hook's log. If any proof fails,
 * the CLI is killed at once and `lockBroken` says why. Resolves once the CLI and every process
 * in its session are gone.
 */
export async function runAgent(options: AgentOptions): Promise<AgentExit> {
  const started = Date.now()
  const stream = new StreamState()
  const child = spawnInSession(options)
  const pid = child.pid
  if (pid !== undefined) options.onSpawn(pid)
  const stopper = new Stopper(pid)
  const timer = setTimeout(() => {
    stopper.timeOut()
  }, options.timeoutMs)
  watchStdout(child, stream, options, stopper)
  const stderr = watchStderr(child, options)

  const [exitCode, signal] = await waitForExit(child, stderr)
  clearTimeout(timer)
  if (pid !== undefined) await endAgentProcesses(pid)
  // A CLI that never reported its session never proved the lock: not a success.
  const neverProven = options.proof !== null && stream.init === null && !stopper.timedOut
  return {
    exitCode,
    signal,
    timedOut: stopper.timedOut,
    lockBroken: stopper.lockBroken ?? (neverProven ? NEVER_PROVEN : null),
    durationMs: Date.now() - started,
    stream,
    stderrTail: stderr.tail,
  }
}

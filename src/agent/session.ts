/**
 * The CLI's process: started in a session of its own (so that everything it starts can be found
 * and ended), and ended with everything in that session. I/O: spawns, signals, reads `/proc`.
 *
 * The prompt goes to the CLI's standard input, never into its arguments, where the CLI could
 * parse it as a flag.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

const KILL_GRACE_MS = 5_000

/** How to start the CLI. */
export interface SpawnOptions {
  claudePath: string
  args: string[]
  /** Written to the CLI's standard input (then closed). */
  prompt: string
  cwd: string
  /** The CLI's whole environment: nothing of Airlock's own is added. */
  env: Record<string, string>
}

/**
 * Starts the CLI with an argument array (no shell) as the leader of a new session and process
 * group (its pid is both ids), and writes the prompt to its standard input.
 */
export function spawnInSession(options: SpawnOptions): ChildProcessWithoutNullStreams {
  const child = spawn(options.claudePath, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin.on('error', () => {
    // The CLI exited before reading its prompt; its exit status tells why.
  })
  child.stdin.end(options.prompt)
  return child
}

/** Every pid whose session id is `sid` (the CLI is started as a session leader). */
export function processesInSession(sid: number): number[] {
  const pids: number[] = []
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return pids
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the command name (which may contain spaces): state ppid pgrp session …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[3]) === sid) pids.push(Number(entry))
    } catch {
      // Gone already.
    }
  }
  return pids
}

/** Sends `signal` to the process group `pid` leads; a group already gone is not an error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // Group already gone.
  }
}

/**
 * Ends the CLI and everything it started: SIGTERM to its process group, SIGKILL after a grace
 * period, then SIGKILL to anything left in its session. Resolves when none is left (or after 15 s).
 */
export async function endAgentProcesses(pid: number): Promise<number> {
  signalGroup(pid, 'SIGTERM')
  const deadline = Date.now() + 15_000
  let killed = false
  for (;;) {
    const left = processesInSession(pid)
    if (left.length === 0) return 0
    if (Date.now() > deadline) return left.length
    if (!killed && Date.now() > deadline - 15_000 + KILL_GRACE_MS) {
      signalGroup(pid, 'SIGKILL')
      for (const p of left) {
        try {
          process.kill(p, 'SIGKILL')
        } catch {
          // Gone.
        }
      }
      killed = true
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

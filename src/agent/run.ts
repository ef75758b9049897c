import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { StreamState, renderEvent } from './stream.js'

/** How to start the CLI and how to watch it. */
export interface AgentOptions {
  claudePath: string
  args: string[]
  /** Written to the CLI's standard input (then closed): never an argument the CLI could parse as a flag. */
  prompt: string
  cwd: string
  env: Record<string, string>
  timeoutMs: number
  /** The lock's proof: the SessionStart hook writes `nonce` to `sessionFile`; the policy hook logs to `logFile`. */
  proof: {
    sessionFile: string
    nonce: string
    logFile: string
    tools: string[]
    /** The managed settings as written: the file must still hold exactly these bytes. */
    settingsFile: string
    settingsText: string
  } | null
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

const KILL_GRACE_MS = 5_000

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

function signalGroup(pid: number, signal: NodeJS.Signals): void {
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

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function hookLogged(logFile: string, toolUseId: string): boolean {
  try {
    return readFileSync(logFile, 'utf8').includes(`"toolUseId":${JSON.stringify(toolUseId)}`)
  } catch {
    return false
  }
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
  let lockBroken: string | null = null
  let timedOut = false
  let stderrTail = ''
  const pid = child.pid
  if (pid !== undefined) options.onSpawn(pid)

  const breakLock = (why: string): void => {
    if (lockBroken !== null) return
    lockBroken = why
    if (pid !== undefined) {
      signalGroup(pid, 'SIGKILL')
    }
  }

  const timer = setTimeout(() => {
    timedOut = true
    if (pid !== undefined) void endAgentProcesses(pid)
  }, options.timeoutMs)

  const proof = options.proof
  const checkInit = (): void => {
    if (proof === null || stream.init === null) return
    if (readOrEmpty(proof.settingsFile) !== proof.settingsText) {
      breakLock(
        'the managed settings file changed after Airlock wrote it; the lock is not in force',
      )
      return
    }
    const nonce = readOrEmpty(proof.sessionFile)
    if (nonce !== proof.nonce) {
      breakLock(
        "the managed settings were not in force: the SessionStart hook did not write this run's nonce (a settings file the CLI cannot validate is silently ignored)",
      )
      return
    }
    if (stream.init.permissionMode !== 'bypassPermissions') {
      breakLock(
        `the CLI started in permission mode '${stream.init.permissionMode}', not bypassPermissions`,
      )
      return
    }
    const extra = stream.init.tools.filter((tool) => !proof.tools.includes(tool))
    if (extra.length > 0)
      breakLock(`the CLI offered tools the policy does not cover: ${extra.join(', ')}`)
  }

  const stdout = createInterface({ input: child.stdout })
  stdout.on('line', (line) => {
    options.onRawLine(line)
    const event = stream.push(line)
    if (event === null) {
      if (line.trim() !== '') options.onLine(line)
      return
    }
    for (const out of renderEvent(event)) options.onLine(out)
    if (event.type === 'system' && event.subtype === 'init') checkInit()
    if (event.type === 'assistant' && proof !== null && stream.init === null) {
      breakLock('the CLI called a tool before reporting its session start')
    }
    if (event.type === 'user' && proof !== null) {
      const message = event.message as { content?: unknown } | undefined
      const blocks = Array.isArray(message?.content)
        ? (message.content as Record<string, unknown>[])
        : []
      for (const block of blocks) {
        if (
          block.type !== 'tool_result' ||
          block.is_error === true ||
          typeof block.tool_use_id !== 'string'
        )
          continue
        if (!hookLogged(proof.logFile, block.tool_use_id)) {
          breakLock('a tool ran without a decision from the policy hook; the lock is not in force')
        }
      }
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000)
    for (const line of chunk.split('\n')) if (line.trim() !== '') options.onLine(`stderr: ${line}`)
  })

  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve) => {
      child.on('error', (error) => {
        stderrTail += `\n${error.message}`
        resolve([null, null])
      })
      child.on('close', (code, sig) => {
        resolve([code, sig])
      })
    },
  )
  clearTimeout(timer)
  if (pid !== undefined) await endAgentProcesses(pid)
  // Set by the stream and timer callbacks above; read through a function so the compiler does
  // not assume they still hold their initial values.
  const outcome = (): { broken: string | null; late: boolean } => ({
    broken: lockBroken,
    late: timedOut,
  })
  if (proof !== null && stream.init === null && outcome().broken === null && !outcome().late) {
    // A CLI that never reported its session never proved the lock: not a success.
    lockBroken = 'the CLI exited without reporting a session, so the lock was never proven'
  }
  return {
    exitCode,
    signal,
    timedOut,
    lockBroken,
    durationMs: Date.now() - started,
    stream,
    stderrTail,
  }
}

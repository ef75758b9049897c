/**
 * The attack suite's kit: a scripted agent that runs a list of attacks, one tool call each, and
 * the evidence to judge every attack on its own (its tool result, by tool-use id).
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { expect } from 'vitest'
import { startFakeAnthropic, toolResultBlocksOf } from '../fakes/anthropic.mjs'
import { CLAUDE, leaks, runAction } from './harness.js'

/** One attack: one tool call the scripted agent makes. */
export interface Attack {
  /** Letters and digits only; also the tool-use id's suffix and the Bash marker. */
  id: string
  /** What the attack tries, for failure messages. */
  what: string
  tool: string
  input: Record<string, unknown>
}

/** A Bash attack; it ends by printing `ran-<id>`, so the test knows the command itself ran. */
export function bash(id: string, what: string, command: string): Attack {
  return {
    id,
    what,
    tool: 'Bash',
    input: { command: `${command}\necho ran-${id}`, description: what },
  }
}

export function tool(
  id: string,
  what: string,
  name: string,
  input: Record<string, unknown>,
): Attack {
  return { id, what, tool: name, input }
}

export interface ToolOutcome {
  isError: boolean
  content: string
}

export interface AttackRun {
  exitCode: number | null
  stdout: string
  outputs: Record<string, string>
  summary: string
  /** Log, summary, outputs, report and transcript files, less `::add-mask::` lines. */
  everything: string
  post: { exitCode: number | null; stdout: string; stderr: string }
  /** Every tool result the model received, by attack id. */
  results: Map<string, ToolOutcome>
  /** Every request body the model received, joined. */
  bodies: string
  modelRequests: number
}

const closers: (() => Promise<void> | void)[] = []

/** Runs the registered clean-ups (call from afterEach). */
export async function closeAll(): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close()
}

/** Registers a clean-up for afterEach. */
export function onClose(close: () => Promise<void> | void): void {
  closers.push(close)
}

/** A loopback HTTP "attacker" (TCP or a Unix socket) that records every request it gets. */
export async function attacker(socketPath?: string): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method ?? ''} ${req.url ?? ''}`)
    res.end('{"stolen":true}')
  })
  server.on('connection', (socket) => {
    if (hits.length === 0) hits.push('connection')
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) =>
    socketPath !== undefined
      ? server.listen(socketPath, resolve)
      : server.listen(0, '127.0.0.1', resolve),
  )
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  if (socketPath !== undefined) closers.push(() => rmSync(socketPath, { force: true }))
  const address = server.address()
  return { port: typeof address === 'object' && address !== null ? address.port : 0, hits }
}

export interface AttackOptions {
  repo: string
  attacks: Attack[]
  /** Inputs beyond the defaults (prompt, key, base URL, claude-path, max-turns). */
  inputs?: Record<string, string>
  env?: Record<string, string>
  runnerRoot?: string
  /**
   * Called with the step's RUNNER_TEMP and file-command paths before the action starts; then
   * `@RUNNER_TEMP@` in the attacks' string inputs becomes the real path.
   */
  plant?: (step: { runnerTemp: string; files: Record<string, string> }) => void
}

export const MODEL_KEY = `sk-ant-api03-attackSuite_${randomBytes(12).toString('hex')}`

/** Runs the action once, its agent making every attack in order, and collects the evidence. */
export async function runAttacks(options: AttackOptions): Promise<AttackRun> {
  const script = [
    ...options.attacks.map((attack) => ({
      toolUses: [{ id: toolUseId(attack), name: attack.tool, input: attack.input }],
    })),
    { text: 'Done trying.' },
  ]
  const model = await startFakeAnthropic({ script })
  closers.push(() => model.close())
  const run = await runAction({
    repo: options.repo,
    inputs: {
      prompt: 'Try every attack.',
      'anthropic-api-key': MODEL_KEY,
      'anthropic-base-url': model.url,
      'claude-path': CLAUDE,
      'max-turns': String(options.attacks.length + 5),
      ...options.inputs,
    },
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.runnerRoot !== undefined ? { runnerRoot: options.runnerRoot } : {}),
    beforeMain: (step: { runnerTemp: string; files: Record<string, string> }) => {
      closers.push(() => rmSync(step.runnerTemp, { recursive: true, force: true }))
      options.plant?.(step)
      // Paths under RUNNER_TEMP are only known now: fill them into the attacks (the script holds
      // the same input objects, and the fake model reads them when it answers).
      for (const attack of options.attacks) {
        for (const [key, value] of Object.entries(attack.input)) {
          if (typeof value === 'string')
            attack.input[key] = value.replaceAll('@RUNNER_TEMP@', step.runnerTemp)
        }
      }
    },
  })
  const results = new Map<string, ToolOutcome>()
  const byToolUse = new Map(options.attacks.map((a) => [toolUseId(a), a.id]))
  for (const request of model.mainRequests) {
    for (const block of toolResultBlocksOf(request)) {
      const id = byToolUse.get(block.toolUseId)
      if (id !== undefined) results.set(id, { isError: block.isError, content: block.content })
    }
  }
  return {
    ...run,
    results,
    bodies: model.requests.map((r: { rawBody: string }) => r.rawBody).join('\n'),
    modelRequests: model.requests.length,
  }
}

function toolUseId(attack: Attack): string {
  return `toolu_01Attack${attack.id}`
}

/**
 * The verdict on each attack: the CLI answered it (so it was attempted, not skipped), the
 * answer holds none of the secrets, and a Bash attack's command really ran inside the sandbox
 * (its `ran-<id>` marker came back) unless `refusedBefore` lists it (a deny rule stopped it).
 */
export function expectEachContained(
  run: AttackRun,
  attacks: Attack[],
  secrets: Record<string, string>,
  options: { mayBeRefused?: string[] } = {},
): void {
  for (const attack of attacks) {
    const result = run.results.get(attack.id)
    expect(
      result,
      `attack ${attack.id} (${attack.what}) got no tool result: ${run.stdout.slice(-3000)}`,
    ).toBeDefined()
    if (result === undefined) continue
    expect(leaks(result.content, secrets), `attack ${attack.id} (${attack.what}) leaked`).toEqual(
      [],
    )
    if (attack.tool === 'Bash' && !(options.mayBeRefused ?? []).includes(attack.id)) {
      expect(result.content, `attack ${attack.id} (${attack.what}) did not run`).toContain(
        `ran-${attack.id}`,
      )
    }
  }
  expect(leaks(run.bodies, secrets), 'a secret reached the model').toEqual([])
  expect(
    leaks(run.everything, secrets),
    'a secret reached the log, summary, outputs or files',
  ).toEqual([])
}

/** A fingerprint of files (content, mode) or their absence, to prove they were not changed. */
export function fileStates(paths: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of paths) {
    if (!existsSync(p)) {
      out[p] = 'absent'
      continue
    }
    const stat = statSync(p)
    out[p] = stat.isDirectory()
      ? `dir:${stat.mode}`
      : `${stat.mode}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`
  }
  return out
}

import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeAnthropic } from '../fakes/anthropic.mjs'
import { CLAUDE, cleanup, machineFingerprint, makeRepo, prepareStep } from './harness.js'

const MANAGED_FILE = '/etc/claude-code/managed-settings.json'
const TOKEN = 'ghs_checkoutPersistedToken0123456789AB'
const closers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** Whether the agent's `sleep 300` (started inside the sandbox) is running. */
function sleeperRunning(): boolean {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\u0000300\u0000'
      } catch {
        return false
      }
    })
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return check()
}

describe('restore after a crash: the post step is the safety net', () => {
  it('ends the orphaned agent and puts back managed settings and checkout credentials byte for byte', async () => {
    const repo = makeRepo()
    closers.push(() => cleanup(repo))
    // A managed settings file of the machine's own, which must come back exactly.
    const existedDir = existsSync('/etc/claude-code')
    const own = '{\n  "permissions": { "deny": ["Bash(machine-own-rule *)"] }\n}\n'
    mkdirSync('/etc/claude-code', { recursive: true })
    writeFileSync(MANAGED_FILE, own, { mode: 0o640 })
    closers.push(() => {
      rmSync(MANAGED_FILE, { force: true })
      if (!existedDir) rmSync('/etc/claude-code', { recursive: true, force: true })
    })

    const model = await startFakeAnthropic({
      script: [
        { toolUses: [{ name: 'Bash', input: { command: 'sleep 300', description: 'wait' } }] },
      ],
    })
    closers.push(() => model.close())
    const step = prepareStep({
      repo,
      inputs: {
        prompt: 'Wait.',
        'anthropic-api-key': 'sk-ant-api03-restoreTest_0123456789abcdef',
        'anthropic-base-url': model.url,
        'claude-path': CLAUDE,
      },
    })
    closers.push(() => cleanup(step.runnerTemp))
    // What actions/checkout v4 and v6 leave behind.
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
    execFileSync('git', ['config', 'http.https://github.com/.extraheader', header], { cwd: repo })
    const includeFile = path.join(
      step.runnerTemp,
      'git-credentials-0b7c1f7e-4f5e-4d0a-9a57-4f5c7d1c2e3a.config',
    )
    writeFileSync(includeFile, `[http "https://github.com/"]\n\textraheader = ${header}\n`)
    execFileSync('git', ['config', `includeIf.gitdir:${repo}/.git.path`, includeFile], {
      cwd: repo,
    })
    const gitConfigBefore = readFileSync(path.join(repo, '.git', 'config'))
    const includeBefore = readFileSync(includeFile)
    const before = machineFingerprint(repo)

    const main = step.startMain()
    let stdout = ''
    main.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    const running = await waitFor(() => {
      const plan = step.state()['airlock-restore-plan']
      return (
        plan !== undefined &&
        (JSON.parse(plan) as { agentPid: number | null }).agentPid !== null &&
        sleeperRunning()
      )
    }, 60_000)
    expect(running, stdout).toBe(true)
    // During the run: the lock is in place, the credentials are gone.
    expect(readFileSync(MANAGED_FILE, 'utf8')).toContain('allowManagedHooksOnly')
    expect(readFileSync(path.join(repo, '.git', 'config'), 'utf8')).not.toContain('extraheader')
    expect(existsSync(includeFile)).toBe(false)
    const { agentPid } = JSON.parse(step.state()['airlock-restore-plan']!) as { agentPid: number }

    main.kill('SIGKILL') // a crash: main gets no chance to clean up
    await new Promise((resolve) => main.on('close', resolve))
    expect(existsSync(`/proc/${agentPid}`)).toBe(true) // the agent outlived main

    const post = await step.post()
    expect(post.exitCode).toBe(0)
    expect(existsSync(`/proc/${agentPid}`)).toBe(false)
    expect(sleeperRunning()).toBe(false)
    expect(readFileSync(MANAGED_FILE, 'utf8')).toBe(own)
    expect(statSync(MANAGED_FILE).mode & 0o777).toBe(0o640)
    expect(readFileSync(path.join(repo, '.git', 'config')).equals(gitConfigBefore)).toBe(true)
    expect(readFileSync(includeFile).equals(includeBefore)).toBe(true)
    expect(machineFingerprint(repo)).toBe(before)
    expect(post.stdout + post.stderr).not.toContain(TOKEN)

    // Idempotent: a second post step changes nothing and does not fail.
    const again = await step.post()
    expect(again.exitCode).toBe(0)
    expect(machineFingerprint(repo)).toBe(before)
  })
})

// The post step against the real @actions/core: it reads the plan main saved (as the runner hands
// it over, `STATE_…`) and puts back what main had not, through the same restore path.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runPost } from '../../src/pipeline/post.js'
import { RestorePlan } from '../../src/restore/plan.js'
import { restoreRunner } from '../../src/restore/restore.js'
import { clearState, givePostStep, useStateFile } from '../fakes/action-state.js'

let tmp: string
let stateFile: string
let stdout: string[]

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-post-'))
  stateFile = useStateFile(tmp)
  stdout = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(() => {
  vi.restoreAllMocks()
  clearState()
  rmSync(tmp, { recursive: true, force: true })
})

describe('runPost', () => {
  it('has nothing to do when main saved no plan', async () => {
    await runPost()
    expect(stdout.join('')).toBe(`Airlock: nothing left to restore.${os.EOL}`)
  })

  it('has nothing to do when main put everything back itself', async () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    await restoreRunner(plan, 'end', vi.fn())
    givePostStep(stateFile)
    stdout.length = 0
    await runPost()
    expect(stdout.join('')).toBe(`Airlock: nothing left to restore.${os.EOL}`)
  })

  it('puts back what main left (after a crash) and says so, and a second run finds it done', async () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    givePostStep(stateFile)
    await runPost()
    expect(existsSync(plan.privateDir)).toBe(false)
    expect(existsSync(plan.agentTmp)).toBe(false)
    expect(stdout.join('')).toContain('Airlock: the runner is back as it was')
    await expect(runPost()).resolves.toBeUndefined()
  })

  it('warns, naming the post step, about what it could not put back, and does not fail', async () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    plan.record({ credentials: { backupDir: 42 } as never })
    givePostStep(stateFile)
    await runPost()
    const out = stdout.join('')
    expect(out).toContain(
      '::warning::Airlock post step: The git credentials record is malformed; nothing was restored.',
    )
    expect(out).toContain('Airlock: some changes could not be put back; see the warnings above.')
    expect(process.exitCode ?? 0).toBe(0)
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })
})

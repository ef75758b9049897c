// The restore plan against the real @actions/core and a temporary state file: what it saves, when
// (before each change), and what the post step reads back.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SettingsChange } from '../../src/lock/managed-settings.js'
import { NOTHING_TO_PUT_BACK, RestorePlan, type PlanRecord } from '../../src/restore/plan.js'
import { clearState, givePostStep, savedStates, useStateFile } from '../fakes/action-state.js'

const SETTINGS: SettingsChange = {
  useSudo: true,
  createdDir: false,
  backup: null,
  dropinMovedTo: null,
}

let tmp: string
let stateFile: string

/** The plan as last saved. */
function lastSavedPlan(): PlanRecord {
  const plans = savedStates(stateFile).filter((s) => s.name === 'airlock-restore-plan')
  return JSON.parse(plans.at(-1)?.value ?? 'null') as PlanRecord
}

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-plan-'))
  stateFile = useStateFile(tmp)
})

afterEach(() => {
  clearState()
  rmSync(tmp, { recursive: true, force: true })
})

describe('RestorePlan', () => {
  it('starts empty: nothing to put back, nothing saved', () => {
    const plan = new RestorePlan()
    expect(plan.isOpen).toBe(false)
    expect(() => plan.privateDir).toThrow(/not open/)
    expect(() => {
      plan.record({ agentPid: 1 })
    }).toThrow(/not open/)
    expect(savedStates(stateFile)).toEqual([])
  })

  it('opens by making the private folder (0700) and the agent’s temp folder, and saving itself', () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    expect(plan.isOpen).toBe(true)
    expect(path.dirname(plan.privateDir)).toBe(tmp)
    expect(statSync(plan.privateDir).mode & 0o777).toBe(0o700)
    expect(existsSync(plan.agentTmp)).toBe(true)
    // The same JSON, key for key, that the post step has always read.
    expect(savedStates(stateFile).map((s) => s.value)).toEqual([
      JSON.stringify({
        privateDir: plan.privateDir,
        agentTmp: plan.agentTmp,
        agentPid: null,
        settings: null,
        credentialsBackupDir: path.join(plan.privateDir, 'git-credentials'),
        credentials: null,
        sysctl: null,
      }),
    ])
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })

  it('saves a change before making it', () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    const seen = plan.willChange({ settings: SETTINGS }, () => lastSavedPlan().settings)
    expect(seen).toEqual(SETTINGS)
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })

  it('keeps a change recorded when making it fails halfway (restoring tolerates what was not made)', () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    const sysctl = { key: 'kernel.x', value: '1', useSudo: true }
    expect(() =>
      plan.willChange({ sysctl }, () => {
        throw new Error('sudo failed')
      }),
    ).toThrow('sudo failed')
    expect(lastSavedPlan().sysctl).toEqual(sysctl)
    expect(plan.recorded.sysctl).toEqual(sysctl)
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })

  it.each([
    ['made', () => Promise.resolve()],
    ['failed', () => Promise.reject(new Error('sudo failed'))],
  ])('says when an asynchronous change is done (%s)', async (_name, outcome) => {
    const plan = new RestorePlan()
    plan.open(tmp)
    const steps: string[] = []
    const making = plan.willChange({ settings: SETTINGS }, async () => {
      await new Promise((resolve) => setImmediate(resolve))
      steps.push('made')
      return outcome()
    })
    making.catch(() => undefined)
    await plan.changeMade()
    steps.push('restore may start')
    expect(steps).toEqual(['made', 'restore may start'])
    expect(lastSavedPlan().settings).toEqual(SETTINGS)
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })

  it('records what exists only once made, and forgets what was put back, keeping the folders', () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    plan.record({ agentPid: 4242 })
    expect(lastSavedPlan().agentPid).toBe(4242)
    plan.record(NOTHING_TO_PUT_BACK)
    expect(lastSavedPlan()).toEqual({
      privateDir: plan.privateDir,
      agentTmp: plan.agentTmp,
      agentPid: null,
      settings: null,
      credentialsBackupDir: null,
      credentials: null,
      sysctl: null,
    })
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })

  it('is read back by the post step as main saved it', () => {
    const plan = new RestorePlan()
    plan.open(tmp)
    plan.willChange({ settings: SETTINGS }, () => undefined)
    plan.record({ agentPid: 77 })
    givePostStep(stateFile)
    expect(RestorePlan.loadPending()?.recorded).toEqual(plan.recorded)
    rmSync(plan.agentTmp, { recursive: true, force: true })
  })

  it('reads a plan saved before the sysctl entry existed', () => {
    process.env['STATE_airlock-restore-plan'] = JSON.stringify({
      privateDir: '/tmp/a',
      agentTmp: '/tmp/b',
      agentPid: null,
      settings: null,
      credentialsBackupDir: null,
      credentials: null,
    })
    expect(RestorePlan.loadPending()?.recorded.sysctl).toBeNull()
  })

  it.each([
    ['nothing was saved', {}],
    ['the plan is not JSON', { 'airlock-restore-plan': '{not json' }],
    [
      'main put everything back',
      {
        'airlock-restore-plan': JSON.stringify({ privateDir: '/tmp/a' }),
        'airlock-restored': 'true',
      },
    ],
  ])('has nothing pending for the post step when %s', (_name, state: Record<string, string>) => {
    for (const [name, value] of Object.entries(state)) process.env[`STATE_${name}`] = value
    expect(RestorePlan.loadPending()).toBeNull()
  })

  it('marks the state restored', () => {
    new RestorePlan().markRestored()
    expect(savedStates(stateFile)).toEqual([{ name: 'airlock-restored', value: 'true' }])
  })
})

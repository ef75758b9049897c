// stage(): each stage in its log group, timed when it finishes, listed in the Timings line.
import * as core from '@actions/core'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { stages } from '../../src/pipeline/stage.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())

const log = faked(core).log

/** A clock that advances by the given steps, one per reading. */
function clock(...readings: number[]): () => number {
  return () => readings.shift() ?? 0
}

beforeEach(() => {
  faked(core).reset()
})

describe('stages', () => {
  it('folds a stage that has a log group into it, and returns what the stage returns', async () => {
    const { stage } = stages()
    const result = await stage('guard', () => {
      log.push('inside')
      return 42
    })
    expect(result).toBe(42)
    expect(log).toEqual(['group Guard: is this runner isolated?', 'inside', 'endgroup'])
  })

  it.each([
    ['lock', 'Lock: managed settings, sandbox, policy hook'],
    ['agent', 'Run: the agent (its output cannot issue workflow commands)'],
    ['audit', 'Audit: what the agent changed'],
  ] as const)('logs %s in its group', async (name, title) => {
    await stages().stage(name, () => undefined)
    expect(log).toEqual([`group ${title}`, 'endgroup'])
  })

  it('runs the other stages at the top level of the log', async () => {
    const { stage } = stages()
    for (const name of ['strip', 'baseline snapshot', 'CLI', 'restore', 'report'] as const) {
      await stage(name, () => undefined)
    }
    expect(log).toEqual([])
  })

  it('lists each finished stage with its duration, in order', async () => {
    const { stage, timings } = stages(clock(0, 12, 100, 2600))
    await stage('guard', () => undefined)
    await stage('strip', () => Promise.resolve())
    expect(timings()).toBe('Timings: guard 12 ms · strip 2.5 s')
  })

  it('does not time a stage that throws, and closes its group', async () => {
    const { stage, timings } = stages(clock(0, 5))
    await expect(
      stage('lock', () => {
        throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    expect(log.at(-1)).toBe('endgroup')
    expect(timings()).toBe('Timings: ')
  })
})

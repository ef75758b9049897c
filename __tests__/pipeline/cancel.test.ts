// Cancel: the first SIGINT or SIGTERM puts back what the plan records at that moment, then exits;
// before the plan is open there is nothing to put back.
import * as core from '@actions/core'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { onCancel, type SignalSource } from '../../src/pipeline/cancel.js'
import { RestorePlan } from '../../src/restore/plan.js'
import { restoreRunner } from '../../src/restore/restore.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())
vi.mock('../../src/restore/restore.js', () => ({ restoreRunner: vi.fn() }))

const log = faked(core).log

/** Signals as the process delivers them: each handler registered with `once` runs once. */
function signals(): SignalSource & { send(signal: NodeJS.Signals): void; handlers: number } {
  const handlers = new Map<string, (signal: NodeJS.Signals) => void>()
  return {
    once(signal, handler) {
      handlers.set(signal, handler)
    },
    send(signal) {
      const handler = handlers.get(signal)
      handlers.delete(signal)
      handler?.(signal)
    },
    get handlers() {
      return handlers.size
    },
  }
}

/** A plan that records a change (open) or nothing yet. */
function plan(isOpen: boolean): RestorePlan {
  return new RestorePlan(
    isOpen
      ? {
          privateDir: '/tmp/airlock-x',
          agentTmp: '/tmp/airlock-agent-tmp-x',
          agentPid: 4242,
          settings: null,
          credentialsBackupDir: null,
          credentials: null,
          sysctl: null,
        }
      : null,
  )
}

beforeEach(() => {
  vi.clearAllMocks()
  faked(core).reset()
  vi.mocked(restoreRunner).mockImplementation(() => {
    log.push('restore')
    return Promise.resolve([])
  })
})

describe('onCancel', () => {
  it('listens for SIGINT and SIGTERM, and does nothing until one comes', () => {
    const source = signals()
    const exit = vi.fn()
    onCancel(plan(true), vi.fn(), source, exit)
    expect(source.handlers).toBe(2)
    expect(restoreRunner).not.toHaveBeenCalled()
    expect(exit).not.toHaveBeenCalled()
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s: warns, puts back what the plan records, then exits',
    async (signal) => {
      const source = signals()
      const given = plan(true)
      const warn = vi.fn()
      const exit = vi.fn(() => log.push('exit'))
      onCancel(given, warn, source, exit)
      source.send(signal)
      await vi.waitFor(() => {
        expect(exit).toHaveBeenCalledTimes(1)
      })
      expect(restoreRunner).toHaveBeenCalledWith(given, 'end', warn)
      expect(log).toEqual([
        `warning Airlock received ${signal}: stopping the agent and restoring the runner.`,
        'restore',
        'exit',
      ])
    },
  )

  it('exits at once when nothing was changed yet', () => {
    const source = signals()
    const exit = vi.fn()
    onCancel(plan(false), vi.fn(), source, exit)
    source.send('SIGTERM')
    expect(exit).toHaveBeenCalledTimes(1)
    expect(restoreRunner).not.toHaveBeenCalled()
  })

  it('exits even when putting back fails', async () => {
    vi.mocked(restoreRunner).mockRejectedValue(new Error('unexpected'))
    const source = signals()
    const exit = vi.fn()
    onCancel(plan(true), vi.fn(), source, exit)
    source.send('SIGINT')
    await vi.waitFor(() => {
      expect(exit).toHaveBeenCalledTimes(1)
    })
  })
})

// The guard as a stage: the evidence and the verdict in the log, a refusal before anything changes.
import * as core from '@actions/core'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { detectIsolation } from '../../src/guard/isolation.js'
import { checkIsolation, requireIsolation } from '../../src/guard/stage.js'
import { Refusal } from '../../src/pipeline/errors.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())
vi.mock('../../src/guard/isolation.js', async (original) => ({
  ...(await original<object>()),
  readProbe: vi.fn(() => ({})),
  detectIsolation: vi.fn(),
}))

const log = faked(core).log

beforeEach(() => {
  faked(core).reset()
})

describe('checkIsolation', () => {
  it('prints every piece of evidence, then the verdict', () => {
    vi.mocked(detectIsolation).mockReturnValue({
      kind: 'container',
      evidence: ['+ /.dockerenv exists', '- no /run/.containerenv'],
    })
    const verdict = checkIsolation('vm-or-container')
    expect(verdict).toMatchObject({ kind: 'container', allowed: true })
    expect(log).toEqual([
      'info + /.dockerenv exists',
      'info - no /run/.containerenv',
      'info Runner: container (allowed by isolation: vm-or-container)',
    ])
  })

  it('prints why a runner is refused', () => {
    vi.mocked(detectIsolation).mockReturnValue({ kind: 'bare-host', evidence: [] })
    const verdict = checkIsolation('container')
    expect(verdict.allowed).toBe(false)
    expect(log).toEqual([`info Refused: ${verdict.reason ?? ''}`])
  })
})

describe('requireIsolation', () => {
  it('refuses, with the verdict’s sentence, a runner that is not isolated', () => {
    expect(() => {
      requireIsolation(
        { kind: 'bare-host', evidence: [], allowed: false, reason: 'Run it in a container.' },
        'container',
      )
    }).toThrow(new Refusal('Run it in a container.'))
  })

  it('lets an isolated runner pass silently', () => {
    requireIsolation({ kind: 'github-hosted-vm', evidence: [], allowed: true }, 'vm-or-container')
    expect(log).toEqual([])
  })

  it('warns when isolation: none skipped the check', () => {
    requireIsolation({ kind: 'bare-host', evidence: [], allowed: true }, 'none')
    expect(log).toEqual([
      'warning isolation: none — the isolation check was skipped; the agent may run on a shared machine.',
    ])
  })
})

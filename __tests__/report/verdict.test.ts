import { describe, expect, it } from 'vitest'
import { renderReport } from '../../src/report/render.js'
import { conclusionFor, summaryLine } from '../../src/report/verdict.js'
import type { FailOn } from '../../src/types/stages.js'
import { ZWJ, agent, audit, file, input, protectedHit } from './helpers.js'

describe('conclusionFor', () => {
  type Row = [string, boolean, boolean, number, number, FailOn, string, boolean]
  const rows: Row[] = [
    // name, refused, agentFailed, violations, denials, failOn, conclusion, fail
    ['a clean run succeeds', false, false, 0, 0, 'violation', 'success', false],
    [
      'blocked actions alone do not fail by default',
      false,
      false,
      0,
      3,
      'violation',
      'success',
      false,
    ],
    ['blocked actions fail with fail-on: denial', false, false, 0, 3, 'denial', 'violation', true],
    [
      'blocked actions never fail with fail-on: never',
      false,
      false,
      0,
      3,
      'never',
      'success',
      false,
    ],
    ['a violation fails by default', false, false, 2, 0, 'violation', 'violation', true],
    ['a violation fails with fail-on: denial', false, false, 2, 0, 'denial', 'violation', true],
    [
      'a violation is reported but passes with fail-on: never',
      false,
      false,
      2,
      0,
      'never',
      'violation',
      false,
    ],
    ['an agent failure fails by default', false, true, 0, 0, 'violation', 'agent-failed', true],
    [
      'an agent failure fails with fail-on: denial',
      false,
      true,
      0,
      0,
      'denial',
      'agent-failed',
      true,
    ],
    [
      'an agent failure passes with fail-on: never',
      false,
      true,
      0,
      0,
      'never',
      'agent-failed',
      false,
    ],
    ['a violation outranks an agent failure', false, true, 1, 0, 'violation', 'violation', true],
    [
      'an agent failure outranks blocked actions',
      false,
      true,
      0,
      5,
      'denial',
      'agent-failed',
      true,
    ],
    ['a refusal fails', true, false, 0, 0, 'violation', 'refused', true],
    ['a refusal fails even with fail-on: never', true, false, 0, 0, 'never', 'refused', true],
    ['a refusal outranks everything', true, true, 3, 3, 'denial', 'refused', true],
  ]
  it.each(rows)(
    '%s',
    (_name, refused, agentFailed, violations, denials, failOn, conclusion, fail) => {
      expect(conclusionFor({ refused, agentFailed, violations, denials, failOn })).toMatchObject({
        conclusion,
        fail,
      })
    },
  )

  it('gives the reason "N blocked actions (fail-on: denial)"', () => {
    const verdict = conclusionFor({
      agentFailed: false,
      violations: 0,
      denials: 4,
      failOn: 'denial',
    })
    expect(verdict.reason).toBe('4 blocked actions (fail-on: denial).')
  })

  it('holds its rules for every combination', () => {
    const failOns: FailOn[] = ['violation', 'denial', 'never']
    for (const refused of [false, true])
      for (const agentFailed of [false, true])
        for (const violations of [0, 1])
          for (const denials of [0, 1])
            for (const failOn of failOns) {
              const { conclusion, fail } = conclusionFor({
                refused,
                agentFailed,
                violations,
                denials,
                failOn,
              })
              const label = JSON.stringify({ refused, agentFailed, violations, denials, failOn })
              if (refused) expect([conclusion, fail], label).toEqual(['refused', true])
              else if (failOn === 'never') expect(fail, label).toBe(false)
              else expect(fail, label).toBe(conclusion !== 'success')
              if (!refused && violations > 0) expect(conclusion, label).toBe('violation')
              if (
                !refused &&
                !agentFailed &&
                violations === 0 &&
                (denials === 0 || failOn !== 'denial')
              )
                expect(conclusion, label).toBe('success')
            }
  })
})

describe('renderReport: the verdict', () => {
  it.each([
    ['violation', '**Airlock: violation**'],
    ['agent-failed', '**Airlock: agent failed**'],
    ['refused', '**Airlock: refused**'],
  ] as const)('names the %s verdict in words', (conclusion, word) => {
    expect(renderReport(input({ conclusion }))).toContain(word)
  })

  it('uses the given reason, escaped, as the verdict sentence', () => {
    const md = renderReport(input({ conclusion: 'agent-failed', reason: 'CLI said <b>@bob</b>' }))
    expect(md).toContain(`**Airlock: agent failed** — CLI said &lt;b&gt;@${ZWJ}bob&lt;/b&gt;`)
  })

  it.each([
    [
      'a timeout',
      agent({ timedOut: true, durationMs: 600_000 }),
      'The agent timed out after 10m 0s.',
    ],
    ['an exit code', agent({ exitCode: 2 }), 'The agent exited with code 2.'],
    ['a signal', agent({ exitCode: null, signal: 'SIGKILL' }), 'The agent was ended by SIGKILL.'],
    [
      'a kill by Airlock',
      agent({ killedReason: 'lock not proven' }),
      'Airlock stopped the agent: lock not proven',
    ],
  ])('explains an agent failure from %s', (_name, run, sentence) => {
    expect(renderReport(input({ conclusion: 'agent-failed', agent: run }))).toContain(sentence)
  })

  it('explains a refusal with the isolation reason', () => {
    const md = renderReport(
      input({
        conclusion: 'refused',
        isolation: {
          kind: 'bare-host',
          evidence: [],
          allowed: false,
          reason: 'no container found',
        },
        agent: undefined,
        audit: undefined,
        lock: undefined,
      }),
    )
    expect(md).toContain('Airlock refused to start the agent: no container found')
    expect(md).toContain('The agent did not run.')
    expect(md).toContain('**Lock:** not applied.')
  })
})

describe('summaryLine', () => {
  it('gives the verdict, sentence and counts on one line', () => {
    const line = summaryLine(
      input({
        conclusion: 'violation',
        audit: audit({ files: [file('a'), file('b')], violations: [protectedHit] }),
        denials: [{ source: 'hook', tool: 'Read', target: '.env', reason: 'credential path' }],
      }),
    )
    expect(line).toBe(
      'Airlock: violation — 1 policy violation (protected-path); 1 blocked action. (1 violation, 1 blocked action, 2 files changed, 7 turns, $0.12)',
    )
  })

  it('cannot span lines or start a workflow command', () => {
    const line = summaryLine(input({ conclusion: 'agent-failed', reason: 'x\n::error::pwned\r\n' }))
    expect(line).not.toMatch(/[\r\n]/)
    expect(line.startsWith('Airlock: agent failed — ')).toBe(true)
  })
})

import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decideSandbox, explainProbeFailure, probeSandbox } from '../../src/lock/sandbox.js'
import type { ProbeResult } from '../../src/lock/sandbox.js'

const OK: ProbeResult = { ok: true, missing: [], error: null, apparmorRestrictsUserns: false }
const NO_BWRAP: ProbeResult = {
  ok: false,
  missing: ['bwrap'],
  error: null,
  apparmorRestrictsUserns: false,
}
const NO_SOCAT: ProbeResult = {
  ok: false,
  missing: ['socat'],
  error: null,
  apparmorRestrictsUserns: false,
}
const NO_BOTH: ProbeResult = {
  ok: false,
  missing: ['bwrap', 'socat'],
  error: null,
  apparmorRestrictsUserns: false,
}
const APPARMOR: ProbeResult = {
  ok: false,
  missing: [],
  error: 'bwrap: setting up uid map: Permission denied\n',
  apparmorRestrictsUserns: true,
}
const BWRAP_FAILS: ProbeResult = {
  ok: false,
  missing: [],
  error: 'bwrap: Creating new namespace failed: Operation not permitted\nmore detail',
  apparmorRestrictsUserns: false,
}

/** One sentence: a single line, ending with its only full stop (no ". A" inside). */
function expectOneSentence(text: string): void {
  expect(text).not.toMatch(/[\n\r]/)
  expect(text).toMatch(/[.]$/)
  expect(text).not.toMatch(/[.!?] [A-Z]/)
}

describe('explainProbeFailure', () => {
  it.each([
    {
      name: 'names the missing programs and how to install them',
      probe: NO_BOTH,
      text: 'bwrap and socat not found; install them first (Debian/Ubuntu: sudo apt-get install -y bubblewrap socat).',
    },
    {
      name: 'names a missing bwrap',
      probe: NO_BWRAP,
      text: 'bwrap not found; install them first (Debian/Ubuntu: sudo apt-get install -y bubblewrap socat).',
    },
    {
      name: 'names a missing socat',
      probe: NO_SOCAT,
      text: 'socat not found; install them first (Debian/Ubuntu: sudo apt-get install -y bubblewrap socat).',
    },
    {
      name: 'names the AppArmor user-namespace restriction and the sysctl that lifts it',
      probe: APPARMOR,
      text: 'AppArmor forbids unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1, Ubuntu 24.04); run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` in a step before Airlock.',
    },
    {
      name: "quotes the first line of bubblewrap's own error and names the Docker fixes",
      probe: BWRAP_FAILS,
      text: 'bubblewrap failed (bwrap: Creating new namespace failed: Operation not permitted); inside Docker, run the job container with --privileged or a seccomp/AppArmor profile that allows user namespaces, or set sandbox: best-effort to accept the weaker nested sandbox.',
    },
    {
      name: 'says when the sandbox was not probed',
      probe: null,
      text: 'it was not probed.',
    },
  ])('$name', ({ probe, text }) => {
    expect(explainProbeFailure(probe)).toBe(text)
    expectOneSentence(text)
  })

  it('puts missing programs before the AppArmor restriction (installing them comes first)', () => {
    expect(explainProbeFailure({ ...APPARMOR, missing: ['socat'] })).toMatch(/^socat not found/)
  })

  it('says "unknown error" when bubblewrap failed without a message', () => {
    expect(explainProbeFailure({ ...BWRAP_FAILS, error: null })).toMatch(
      /^bubblewrap failed \(unknown error\);/,
    )
  })

  it("quotes at most 200 characters of bubblewrap's error", () => {
    const text = explainProbeFailure({ ...BWRAP_FAILS, error: 'e'.repeat(1000) })
    expect(text).toContain(`(${'e'.repeat(200)})`)
    expect(text).not.toContain('e'.repeat(201))
  })
})

describe('decideSandbox', () => {
  const failures = [
    {
      cause: 'missing bwrap and socat',
      probe: NO_BOTH,
      fix: 'sudo apt-get install -y bubblewrap socat',
    },
    { cause: 'missing socat', probe: NO_SOCAT, fix: 'sudo apt-get install -y bubblewrap socat' },
    {
      cause: 'the AppArmor user-namespace restriction',
      probe: APPARMOR,
      fix: 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
    },
    { cause: 'another bubblewrap error', probe: BWRAP_FAILS, fix: '--privileged' },
  ]

  it.each(failures)(
    'required refuses on $cause with one sentence naming the fix',
    ({ probe, fix }) => {
      const decision = decideSandbox('required', probe, OK)
      expect(decision.setting).toBe('off')
      expect(decision.warnings).toEqual([])
      expect(decision.refusal).toBe(
        `The OS sandbox cannot start here: ${explainProbeFailure(probe)}`,
      )
      expect(decision.refusal).toContain(fix)
      expectOneSentence(decision.refusal!)
    },
  )

  it('required refuses when the sandbox was not probed at all', () => {
    expect(decideSandbox('required', null, null).refusal).toBe(
      'The OS sandbox cannot start here: it was not probed.',
    )
  })

  it.each(['required', 'best-effort'] as const)(
    '%s turns the full sandbox on when it starts',
    (mode) => {
      expect(decideSandbox(mode, OK, null)).toEqual({ setting: 'on', refusal: null, warnings: [] })
    },
  )

  it.each(failures)(
    'best-effort falls back to the weaker nested sandbox on $cause when that probe passes, with a warning',
    ({ probe }) => {
      const decision = decideSandbox('best-effort', probe, OK)
      expect(decision.setting).toBe('weaker-nested')
      expect(decision.refusal).toBeNull()
      expect(decision.warnings).toEqual([
        `The full OS sandbox cannot start here (${explainProbeFailure(probe)}); using the weaker nested sandbox (sandbox: best-effort), which shares /proc with the container.`,
      ])
    },
  )

  it.each([
    { name: 'the weaker probe fails too', weaker: BWRAP_FAILS },
    { name: 'the weaker sandbox was not probed', weaker: null },
  ])('best-effort runs without the sandbox, with a warning, when $name', ({ weaker }) => {
    const decision = decideSandbox('best-effort', APPARMOR, weaker)
    expect(decision.setting).toBe('off')
    expect(decision.refusal).toBeNull()
    expect(decision.warnings).toEqual([
      `The OS sandbox cannot start here (${explainProbeFailure(APPARMOR)}); running without it (sandbox: best-effort).`,
    ])
  })

  it.each([
    { name: 'no probe', full: null, weaker: null },
    { name: 'a passing probe', full: OK, weaker: OK },
    { name: 'a failing probe', full: NO_BOTH, weaker: BWRAP_FAILS },
  ])(
    'off never refuses and warns that commands are not confined, given $name',
    ({ full, weaker }) => {
      expect(decideSandbox('off', full, weaker)).toEqual({
        setting: 'off',
        refusal: null,
        warnings: [
          'The OS sandbox is off (sandbox: off): commands the agent runs are confined by deny rules only, not by the kernel.',
        ],
      })
    },
  )

  it('never runs without the full sandbox silently, and only required refuses', () => {
    const probe: fc.Arbitrary<ProbeResult | null> = fc.option(
      fc.record({
        ok: fc.boolean(),
        missing: fc.subarray(['bwrap', 'socat']),
        error: fc.option(fc.string()),
        apparmorRestrictsUserns: fc.boolean(),
      }),
    )
    fc.assert(
      fc.property(
        fc.constantFrom('required' as const, 'best-effort' as const, 'off' as const),
        probe,
        probe,
        (mode, full, weaker) => {
          const d = decideSandbox(mode, full, weaker)
          if (d.refusal !== null) {
            expect(mode).toBe('required')
            expect(full?.ok).not.toBe(true)
            expect(d.setting).toBe('off')
          }
          if (mode === 'required') expect(d.refusal === null).toBe(full?.ok === true)
          if (mode === 'off') expect(d.setting).toBe('off')
          if (d.setting === 'weaker-nested') {
            expect(mode).toBe('best-effort')
            expect(weaker?.ok).toBe(true)
          }
          if (d.setting === 'on') expect(full?.ok).toBe(true)
          if (d.setting !== 'on' && d.refusal === null) expect(d.warnings).toHaveLength(1)
        },
      ),
    )
  })
})

describe('probeSandbox (this machine has bubblewrap and socat)', () => {
  let savedPath: string | undefined
  beforeEach(() => {
    savedPath = process.env.PATH
  })
  afterEach(() => {
    if (savedPath === undefined) delete process.env.PATH
    else process.env.PATH = savedPath
  })

  it('starts the full sandbox', () => {
    expect(probeSandbox()).toEqual({
      ok: true,
      missing: [],
      error: null,
      apparmorRestrictsUserns: false,
    })
  })

  it('starts the weaker nested sandbox', () => {
    expect(probeSandbox(true).ok).toBe(true)
  })

  it('reports bwrap and socat missing when they are not on PATH', () => {
    process.env.PATH = '/nonexistent-airlock-path'
    const probe = probeSandbox()
    expect(probe.ok).toBe(false)
    expect(probe.missing).toEqual(['bwrap', 'socat'])
    expect(probe.error).toBeNull()
  })
})

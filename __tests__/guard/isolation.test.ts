import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  ISOLATION_SKIPPED_REASON,
  decideIsolation,
  detectIsolation,
} from '../../src/guard/isolation.js'
import { PROBE_PATHS, type IsolationProbe } from '../../src/guard/probe.js'
import type { IsolationMode, RunnerKind } from '../../src/types/stages.js'

const FIXTURES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'isolation',
)

/** The fixture file that stands for each probed path. */
const FIXTURE_FILES: Record<string, string> = {
  [PROBE_PATHS.initCgroup]: 'proc-1-cgroup',
  [PROBE_PATHS.selfCgroup]: 'proc-self-cgroup',
  [PROBE_PATHS.mountinfo]: 'proc-self-mountinfo',
  [PROBE_PATHS.initSched]: 'proc-1-sched',
}

function fixtureProbe(name: string): IsolationProbe {
  const dir = path.join(FIXTURES, name)
  const existing = JSON.parse(fs.readFileSync(path.join(dir, 'exists.json'), 'utf8')) as string[]
  const env = JSON.parse(fs.readFileSync(path.join(dir, 'env.json'), 'utf8')) as Record<
    string,
    string
  >
  return {
    exists: (p) => existing.includes(p),
    read: (p) => {
      const file = FIXTURE_FILES[p]
      if (file === undefined) return null
      const full = path.join(dir, file)
      return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : null
    },
    env,
  }
}

/** A probe with nothing in it, plus what a case adds. */
function syntheticProbe(
  files: Record<string, string> = {},
  env: Record<string, string> = {},
  existing: string[] = [],
): IsolationProbe {
  return {
    exists: (p) => existing.includes(p),
    read: (p) => files[p] ?? null,
    env,
  }
}

/** What a self-hosted systemd machine shows: the base that single-signal cases add one sign to. */
const BARE_FILES: Record<string, string> = {
  [PROBE_PATHS.initCgroup]: '0::/init.scope\n',
  [PROBE_PATHS.selfCgroup]: '0::/system.slice/actions.runner.acme.build-01.service\n',
  [PROBE_PATHS.mountinfo]: '28 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw\n',
  [PROBE_PATHS.initSched]: 'systemd (1, #threads: 1)\n',
}

type Verdicts = Record<IsolationMode, boolean>
const ONLY_SKIPPED: Verdicts = { container: false, 'vm-or-container': false, none: true }
const VM_OK: Verdicts = { container: false, 'vm-or-container': true, none: true }
const ALL_OK: Verdicts = { container: true, 'vm-or-container': true, none: true }

describe('detectIsolation on recorded machines', () => {
  const cases: { fixture: string; kind: RunnerKind; allowed: Verdicts; sign: string }[] = [
    {
      fixture: 'docker-cgroup-v1',
      kind: 'container',
      allowed: ALL_OK,
      sign: '+ /proc/1/cgroup names a container runtime (docker)',
    },
    {
      fixture: 'docker-cgroup-v2',
      kind: 'container',
      allowed: ALL_OK,
      sign: '+ /proc/self/mountinfo: root is overlay; /etc/resolv.conf bind-mounted',
    },
    { fixture: 'podman', kind: 'container', allowed: ALL_OK, sign: '+ /run/.containerenv present' },
    {
      fixture: 'kubernetes-arc-runner',
      kind: 'container',
      allowed: ALL_OK,
      sign: '+ KUBERNETES_SERVICE_HOST set',
    },
    {
      fixture: 'kubernetes-cgroup-v1',
      kind: 'container',
      allowed: ALL_OK,
      sign: '+ /proc/1/cgroup names a container runtime (kubepods)',
    },
    {
      fixture: 'github-job-container',
      kind: 'container',
      allowed: ALL_OK,
      sign: '+ pid 1 is tail (not an init system)',
    },
    {
      fixture: 'github-job-container-cgroup-v1',
      kind: 'container',
      allowed: ALL_OK,
      sign: '+ /proc/1/cgroup names a container runtime (actions_job (GitHub job container))',
    },
    {
      fixture: 'github-hosted-ubuntu-24.04',
      kind: 'github-hosted-vm',
      allowed: VM_OK,
      sign: '+ RUNNER_ENVIRONMENT=github-hosted',
    },
    {
      fixture: 'self-hosted-bare',
      kind: 'bare-host',
      allowed: ONLY_SKIPPED,
      sign: '- /proc/self/mountinfo: root is ext4 (/dev/mapper/ubuntu--vg-ubuntu--lv), no container runtime mounts',
    },
    { fixture: 'this-machine', kind: 'container', allowed: ALL_OK, sign: '+ /.dockerenv present' },
  ]

  it.each(cases)('$fixture is a $kind', ({ fixture, kind, sign }) => {
    const detected = detectIsolation(fixtureProbe(fixture))
    expect(detected.kind).toBe(kind)
    expect(detected.evidence.some((line) => line.startsWith(sign))).toBe(true)
  })

  it.each(cases)('$fixture: each mode allows or refuses as documented', ({ fixture, allowed }) => {
    const detected = detectIsolation(fixtureProbe(fixture))
    for (const mode of ['container', 'vm-or-container', 'none'] as const) {
      const verdict = decideIsolation(detected, mode)
      expect({ mode, allowed: verdict.allowed }).toEqual({ mode, allowed: allowed[mode] })
      expect(verdict.kind).toBe(detected.kind)
      expect(verdict.evidence).toEqual(detected.evidence)
      if (!verdict.allowed) expect(verdict.reason).toMatch(/; .*\.$/)
    }
  })

  it.each(cases)('$fixture: one evidence line per sign looked at', ({ fixture }) => {
    const { evidence } = detectIsolation(fixtureProbe(fixture))
    // 8 container signs + RUNNER_ENVIRONMENT + 5 corroborations
    expect(evidence).toHaveLength(14)
    for (const line of evidence) expect(line).toMatch(/^[+-] \S/)
  })
})

describe('detectIsolation: each container sign alone is enough', () => {
  const cases: { name: string; probe: IsolationProbe }[] = [
    { name: '/.dockerenv', probe: syntheticProbe(BARE_FILES, {}, ['/.dockerenv']) },
    { name: '/run/.containerenv', probe: syntheticProbe(BARE_FILES, {}, ['/run/.containerenv']) },
    {
      name: 'docker-<id>.scope in /proc/self/cgroup (cgroupns=host on cgroup v2)',
      probe: syntheticProbe({
        ...BARE_FILES,
        [PROBE_PATHS.selfCgroup]: `0::/system.slice/docker-${'ab'.repeat(32)}.scope\n`,
      }),
    },
    {
      name: 'cri-containerd scope under kubepods.slice',
      probe: syntheticProbe({
        ...BARE_FILES,
        [PROBE_PATHS.initCgroup]: `0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-${'cd'.repeat(32)}.scope\n`,
      }),
    },
    {
      name: 'libpod scope',
      probe: syntheticProbe({
        ...BARE_FILES,
        [PROBE_PATHS.initCgroup]: `0::/machine.slice/libpod-${'ef'.repeat(32)}.scope/container\n`,
      }),
    },
    {
      name: 'lxc.payload cgroup',
      probe: syntheticProbe({ ...BARE_FILES, [PROBE_PATHS.initCgroup]: '0::/lxc.payload.ci-01\n' }),
    },
    {
      name: 'overlay root in mountinfo',
      probe: syntheticProbe({
        ...BARE_FILES,
        [PROBE_PATHS.mountinfo]: '465 368 0:52 / / rw,relatime - overlay overlay rw,lowerdir=/x\n',
      }),
    },
    {
      name: 'pid 1 is tini',
      probe: syntheticProbe({ ...BARE_FILES, [PROBE_PATHS.initSched]: 'tini (1, #threads: 1)\n' }),
    },
    {
      name: 'container=systemd-nspawn',
      probe: syntheticProbe(BARE_FILES, { container: 'systemd-nspawn' }),
    },
    {
      name: 'KUBERNETES_SERVICE_HOST',
      probe: syntheticProbe(BARE_FILES, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }),
    },
  ]

  it('the base probe alone is a bare host', () => {
    expect(detectIsolation(syntheticProbe(BARE_FILES)).kind).toBe('bare-host')
  })

  it.each(cases)('$name', ({ probe }) => {
    expect(detectIsolation(probe).kind).toBe('container')
  })
})

describe('detectIsolation: what is not evidence', () => {
  const cases: { name: string; probe: IsolationProbe; kind: RunnerKind }[] = [
    {
      name: 'cgroup v2 "0::/" alone is not proof of a container',
      probe: syntheticProbe({
        ...BARE_FILES,
        [PROBE_PATHS.initCgroup]: '0::/\n',
        [PROBE_PATHS.selfCgroup]: '0::/\n',
      }),
      kind: 'bare-host',
    },
    {
      name: "a host's docker.service and containerd.service cgroups are not containers",
      probe: syntheticProbe({
        ...BARE_FILES,
        [PROBE_PATHS.selfCgroup]:
          '1:name=systemd:/system.slice/docker.service\n0::/system.slice/containerd.service\n',
      }),
      kind: 'bare-host',
    },
    {
      name: "a host's own Docker overlay mounts (not at /) are not evidence",
      probe: fixtureProbe('self-hosted-bare'),
      kind: 'bare-host',
    },
    {
      name: 'pid 1 runit is an init system',
      probe: syntheticProbe({ ...BARE_FILES, [PROBE_PATHS.initSched]: 'runit (1, #threads: 1)\n' }),
      kind: 'bare-host',
    },
    {
      name: 'nothing readable at all (hidepid, no /proc) is a bare host',
      probe: syntheticProbe(),
      kind: 'bare-host',
    },
    {
      name: 'RUNNER_ENVIRONMENT=github-hosted without corroboration is a bare host',
      probe: syntheticProbe(BARE_FILES, { RUNNER_ENVIRONMENT: 'github-hosted' }),
      kind: 'bare-host',
    },
    {
      name: 'RUNNER_ENVIRONMENT=github-hosted with one corroboration is a bare host',
      probe: syntheticProbe(BARE_FILES, {
        RUNNER_ENVIRONMENT: 'github-hosted',
        ImageOS: 'ubuntu24',
      }),
      kind: 'bare-host',
    },
    {
      name: 'hosted-looking corroboration on a runner that says self-hosted is a bare host',
      probe: syntheticProbe(
        BARE_FILES,
        {
          RUNNER_ENVIRONMENT: 'self-hosted',
          ImageOS: 'ubuntu22',
          ImageVersion: '20240101.1.0',
          RUNNER_NAME: 'GitHub Actions 3',
        },
        ['/home/runner', '/opt/hostedtoolcache'],
      ),
      kind: 'bare-host',
    },
    {
      name: 'RUNNER_ENVIRONMENT=github-hosted with two corroborations is a hosted VM',
      probe: syntheticProbe(
        BARE_FILES,
        { RUNNER_ENVIRONMENT: 'github-hosted', RUNNER_NAME: 'GitHub Actions 9' },
        ['/home/runner'],
      ),
      kind: 'github-hosted-vm',
    },
  ]

  it.each(cases)('$name', ({ probe, kind }) => {
    expect(detectIsolation(probe).kind).toBe(kind)
  })

  it('says why cgroup v2 "0::/" is not counted', () => {
    const { evidence } = detectIsolation(
      syntheticProbe({ ...BARE_FILES, [PROBE_PATHS.initCgroup]: '0::/\n' }),
    )
    expect(evidence).toContain(
      "- /proc/1/cgroup is at the cgroup root only (not proof either way: a cgroup namespace and the host's root cgroup look the same)",
    )
  })

  it('keeps control characters read from the machine out of evidence lines', () => {
    const { evidence } = detectIsolation(
      syntheticProbe(BARE_FILES, { container: 'x\n::error::forged' }),
    )
    expect(evidence.join('\n').split('\n')).toHaveLength(evidence.length)
  })
})

describe('decideIsolation', () => {
  const evidence = ['+ something']
  const cases: {
    kind: RunnerKind
    mode: IsolationMode
    allowed: boolean
    reason?: string | RegExp
  }[] = [
    { kind: 'container', mode: 'container', allowed: true },
    { kind: 'container', mode: 'vm-or-container', allowed: true },
    { kind: 'github-hosted-vm', mode: 'vm-or-container', allowed: true },
    {
      kind: 'github-hosted-vm',
      mode: 'container',
      allowed: false,
      reason:
        /^This runner is a GitHub-hosted VM but `isolation: container` requires a container; run the job in a `container:`/,
    },
    {
      kind: 'bare-host',
      mode: 'vm-or-container',
      allowed: false,
      reason:
        'This runner looks like a self-hosted machine (no container or GitHub-hosted VM evidence); run the job in a `container:` or on a GitHub-hosted runner, or set `isolation: none` if you accept the risk.',
    },
    {
      kind: 'bare-host',
      mode: 'container',
      allowed: false,
      reason:
        /^This runner looks like a self-hosted machine \(no container evidence\); run the job in a `container:`/,
    },
    { kind: 'bare-host', mode: 'none', allowed: true, reason: ISOLATION_SKIPPED_REASON },
    { kind: 'container', mode: 'none', allowed: true, reason: ISOLATION_SKIPPED_REASON },
  ]

  it.each(cases)(
    '$kind under isolation: $mode → allowed=$allowed',
    ({ kind, mode, allowed, reason }) => {
      const verdict = decideIsolation({ kind, evidence }, mode)
      expect(verdict.allowed).toBe(allowed)
      expect(verdict.kind).toBe(kind)
      expect(verdict.evidence).toEqual(evidence)
      if (reason === undefined) expect(verdict.reason).toBeUndefined()
      else expect(verdict.reason).toMatch(reason)
    },
  )

  it('does not share the evidence array with its input', () => {
    const detected = { kind: 'container' as const, evidence: ['+ a'] }
    decideIsolation(detected, 'container').evidence.push('+ b')
    expect(detected.evidence).toEqual(['+ a'])
  })
})

/**
 * The guard: is this runner a throwaway place (a container, or a GitHub-hosted VM that is destroyed
 * after the job), or a long-lived machine where an agent with skip-permissions could leave something
 * behind for the next job?
 *
 * `detectIsolation` and `decideIsolation` are pure: they look only at what an {@link IsolationProbe}
 * answers. `readProbe` is the only I/O, and it only checks that paths exist and reads small files.
 *
 * What the guard is for: catching a workflow that was pointed at the wrong runner by mistake. It is
 * not a defence against the workflow's author or the runner's administrator, who can forge every
 * signal read here (files, environment variables) and already own the job anyway (see DESIGN.md,
 * "Out of scope").
 */
import * as fs from 'node:fs'
import type { IsolationMode, IsolationVerdict, RunnerKind } from '../types/stages.js'

/** What the detector may ask about the machine. Paths are absolute. */
export interface IsolationProbe {
  /** Whether something (file, directory, link target) exists at the path. */
  exists(path: string): boolean
  /** The file's text, or `null` when it is missing or unreadable. */
  read(path: string): string | null
  /** The environment of the action's own process. */
  env: Record<string, string | undefined>
}

/** What the detector concluded, with one evidence line per thing it looked at. */
export interface DetectedIsolation {
  kind: RunnerKind
  /** `+ …` for a sign of isolation, `- …` for a sign that was looked for and not found. */
  evidence: string[]
}

/** The files the detector reads; exported so tests and fixtures stay in step with the code. */
export const PROBE_PATHS = {
  dockerenv: '/.dockerenv',
  containerenv: '/run/.containerenv',
  initCgroup: '/proc/1/cgroup',
  selfCgroup: '/proc/self/cgroup',
  mountinfo: '/proc/self/mountinfo',
  initSched: '/proc/1/sched',
  runnerHome: '/home/runner',
  hostedToolcache: '/opt/hostedtoolcache',
} as const

/** Largest file `readProbe` reads; every file it is asked for is far smaller on a real machine. */
export const MAX_PROBE_READ_BYTES = 256 * 1024

/**
 * The real machine, as seen by this process. Never throws: a path that cannot be read is `null`,
 * and reads stop at {@link MAX_PROBE_READ_BYTES} (`/proc` files report size 0, so the size is not
 * asked first).
 */
export function readProbe(): IsolationProbe {
  return {
    exists: (path: string): boolean => {
      try {
        return fs.existsSync(path)
      } catch {
        return false
      }
    },
    read: (path: string): string | null => {
      let fd: number | undefined
      try {
        fd = fs.openSync(path, 'r')
        const buffer = Buffer.alloc(MAX_PROBE_READ_BYTES)
        let length = 0
        for (;;) {
          const n = fs.readSync(fd, buffer, length, buffer.length - length, null)
          if (n === 0) break
          length += n
          if (length === buffer.length) break
        }
        return buffer.subarray(0, length).toString('utf8')
      } catch {
        return null
      } finally {
        if (fd !== undefined) {
          try {
            fs.closeSync(fd)
          } catch {
            // nothing to do: the descriptor is gone either way
          }
        }
      }
    },
    env: { ...process.env },
  }
}

/**
 * Container runtimes' marks in a `/proc/<pid>/cgroup` path: Docker (`/docker/<id>`,
 * `docker-<id>.scope`), containerd and CRI (`/containerd/`, `cri-containerd-`), Kubernetes
 * (`/kubepods`), Podman (`/libpod`, `libpod-`), LXC (`/lxc/`, `lxc.payload`), systemd-nspawn
 * (`/machine.slice/`), and GitHub's own job containers (`/actions_job/`: the hosted runners' Docker
 * daemon puts every container under that cgroup parent). Service units such as
 * `/system.slice/docker.service` or `containerd.service` are a host's daemons and do not match.
 */
const CGROUP_MARKERS: readonly (readonly [RegExp, string])[] = [
  [/\/actions_job\//, 'actions_job (GitHub job container)'],
  [/\/kubepods/, 'kubepods'],
  [/cri-containerd-|\/containerd\//, 'containerd'],
  [/\/libpod|libpod-/, 'libpod'],
  [/\/docker[/-]|docker-[0-9a-f]{12,}\.scope/, 'docker'],
  [/\/lxc\/|lxc\.payload/, 'lxc'],
  [/\/machine\.slice\//, 'machine.slice (systemd-nspawn)'],
]

/**
 * Read one cgroup file. A cgroup v2 line `0::/` (or v1 lines that are all `/`) is deliberately not
 * counted: it only says the process sits at the root of the cgroup tree *it can see*. That is what a
 * container with its own cgroup namespace sees (Docker's default on cgroup v2), and also what a
 * process in the host's root cgroup sees (pid 1 without systemd, kernel helpers): it cannot tell the
 * two apart.
 */
function cgroupEvidence(path: string, text: string | null): { line: string; container: boolean } {
  if (text === null) return { line: `- ${path} unreadable`, container: false }
  const paths = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(':').slice(2).join(':'))
  for (const [pattern, name] of CGROUP_MARKERS) {
    const hit = paths.find((p) => pattern.test(p))
    if (hit !== undefined) {
      return { line: `+ ${path} names a container runtime (${name})`, container: true }
    }
  }
  const shown = paths.find((p) => p !== '/') ?? '/'
  if (shown === '/') {
    return {
      line: `- ${path} is at the cgroup root only (not proof either way: a cgroup namespace and the host's root cgroup look the same)`,
      container: false,
    }
  }
  return { line: `- ${path} has no container runtime marker (${clip(shown)})`, container: false }
}

/** Mount roots (the 4th mountinfo field) that only a container runtime bind-mounts over `/etc/…`. */
const RUNTIME_MOUNT_ROOT =
  /\/docker\/containers\/|\/var\/lib\/containers\/|\/containers\/storage\/|\/kubelet\/pods\/|\/containerd\/|\/libpod/
/** The files a runtime bind-mounts into every container it starts. */
const RUNTIME_BIND_TARGETS = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'])

/**
 * Read `/proc/self/mountinfo`: an overlay filesystem as `/`, or `/etc/hostname`-style files
 * bind-mounted out of a runtime's state directory. Overlay mounts elsewhere are ignored on purpose:
 * a host that runs Docker shows its containers' `…/overlay2/…/merged` mounts too.
 */
function mountinfoEvidence(text: string | null): { line: string; container: boolean } {
  const path = PROBE_PATHS.mountinfo
  if (text === null) return { line: `- ${path} unreadable`, container: false }
  const findings: string[] = []
  let rootType: string | undefined
  let rootSource: string | undefined
  for (const raw of text.split('\n')) {
    const separator = raw.indexOf(' - ')
    if (separator < 0) continue
    const before = raw.slice(0, separator).split(' ')
    const after = raw.slice(separator + 3).split(' ')
    const mountRoot = before[3]
    const mountPoint = before[4]
    const fsType = after[0]
    if (mountRoot === undefined || mountPoint === undefined || fsType === undefined) continue
    if (mountPoint === '/') {
      rootType = fsType
      rootSource = after[1]
    }
    if (RUNTIME_BIND_TARGETS.has(mountPoint) && RUNTIME_MOUNT_ROOT.test(mountRoot)) {
      findings.push(`${mountPoint} bind-mounted from ${clip(mountRoot)}`)
    }
  }
  if (rootType === 'overlay' || rootType === 'fuse-overlayfs') {
    findings.unshift(`root is ${rootType}`)
  }
  if (findings.length > 0) {
    return { line: `+ ${path}: ${findings.join('; ')}`, container: true }
  }
  const root =
    rootType === undefined
      ? 'no root mount found'
      : `root is ${rootType} (${clip(rootSource ?? '?')})`
  return { line: `- ${path}: ${root}, no container runtime mounts`, container: false }
}

/** Names pid 1 has on a machine that booted an init system (as opposed to a container's process). */
const INIT_SYSTEMS = new Set([
  'systemd',
  'init',
  'runit',
  'runit-init',
  'openrc-init',
  's6-svscan',
  'upstart',
  'launchd',
])

/**
 * Read the first line of `/proc/1/sched`, `<comm> (<pid>, #threads: <n>)`. A container's pid 1 is
 * whatever it was started with (`tail` for a GitHub job container, `tini`, `sh`, `node` …); a
 * machine's pid 1 is an init system.
 */
function schedEvidence(text: string | null): { line: string; container: boolean } {
  const path = PROBE_PATHS.initSched
  if (text === null) return { line: `- ${path} unreadable`, container: false }
  const first = text.split('\n')[0] ?? ''
  const match = /^(.*) \(\d+, #threads: \d+\)\s*$/.exec(first)
  const name = match?.[1]?.trim()
  if (name === undefined || name.length === 0) {
    return { line: `- ${path}: first line not understood`, container: false }
  }
  if (INIT_SYSTEMS.has(name)) {
    return { line: `- pid 1 is ${clip(name)} (an init system)`, container: false }
  }
  return { line: `+ pid 1 is ${clip(name)} (not an init system)`, container: true }
}

/** Shorten and make printable something read from the machine before it goes into a log line. */
function clip(value: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, '?')
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable
}

/** `RUNNER_NAME` on GitHub's standard hosted runners. */
const HOSTED_RUNNER_NAME = /^GitHub Actions \d+$/
/** How many corroborating signs a GitHub-hosted VM must show besides `RUNNER_ENVIRONMENT`. */
export const HOSTED_CORROBORATION_NEEDED = 2

/**
 * Classify the runner from what `probe` shows.
 *
 * - **container** when any container sign is present: `/.dockerenv`, `/run/.containerenv`
 *   (Podman), a runtime marker in `/proc/1/cgroup` or `/proc/self/cgroup`, an overlay root or
 *   runtime bind mounts in `/proc/self/mountinfo`, the `container` variable (systemd-nspawn, Podman,
 *   LXC), `KUBERNETES_SERVICE_HOST`, or a pid 1 that is not an init system.
 * - **github-hosted-vm** otherwise, when `RUNNER_ENVIRONMENT=github-hosted` (set by the runner on
 *   GitHub's hosted runners, `self-hosted` elsewhere) and at least
 *   {@link HOSTED_CORROBORATION_NEEDED} of: `ImageOS`, `ImageVersion`, `/home/runner`,
 *   `/opt/hostedtoolcache`, a `RUNNER_NAME` like `GitHub Actions 12`.
 * - **bare-host** otherwise.
 *
 * Every sign is forgeable by whoever controls the runner or the workflow; that is out of scope: the
 * guard catches a workflow sent to a persistent self-hosted machine by mistake, not its owner.
 * Every sign looked at yields exactly one evidence line, so the report shows why.
 */
export function detectIsolation(probe: IsolationProbe): DetectedIsolation {
  const evidence: string[] = []
  const containerSigns: boolean[] = []
  const note = (result: { line: string; container: boolean }): void => {
    evidence.push(result.line)
    containerSigns.push(result.container)
  }

  note(
    probe.exists(PROBE_PATHS.dockerenv)
      ? { line: `+ ${PROBE_PATHS.dockerenv} present (Docker)`, container: true }
      : { line: `- ${PROBE_PATHS.dockerenv} absent`, container: false },
  )
  note(
    probe.exists(PROBE_PATHS.containerenv)
      ? { line: `+ ${PROBE_PATHS.containerenv} present (Podman)`, container: true }
      : { line: `- ${PROBE_PATHS.containerenv} absent`, container: false },
  )
  note(cgroupEvidence(PROBE_PATHS.initCgroup, probe.read(PROBE_PATHS.initCgroup)))
  note(cgroupEvidence(PROBE_PATHS.selfCgroup, probe.read(PROBE_PATHS.selfCgroup)))
  note(mountinfoEvidence(probe.read(PROBE_PATHS.mountinfo)))
  note(schedEvidence(probe.read(PROBE_PATHS.initSched)))

  const containerVar = probe.env['container']
  note(
    containerVar !== undefined && containerVar !== ''
      ? { line: `+ container=${clip(containerVar)} in the environment`, container: true }
      : { line: '- container variable not set', container: false },
  )
  const kubernetes = probe.env['KUBERNETES_SERVICE_HOST']
  note(
    kubernetes !== undefined && kubernetes !== ''
      ? { line: '+ KUBERNETES_SERVICE_HOST set (Kubernetes pod)', container: true }
      : { line: '- KUBERNETES_SERVICE_HOST not set', container: false },
  )

  const runnerEnvironment = probe.env['RUNNER_ENVIRONMENT']
  const claimsHosted = runnerEnvironment === 'github-hosted'
  evidence.push(
    claimsHosted
      ? '+ RUNNER_ENVIRONMENT=github-hosted'
      : runnerEnvironment === undefined || runnerEnvironment === ''
        ? '- RUNNER_ENVIRONMENT not set'
        : `- RUNNER_ENVIRONMENT=${clip(runnerEnvironment)}`,
  )

  let corroboration = 0
  const corroborate = (present: boolean, yes: string, no: string): void => {
    evidence.push(present ? `+ ${yes}` : `- ${no}`)
    if (present) corroboration += 1
  }
  const imageOs = probe.env['ImageOS']
  corroborate(
    imageOs !== undefined && imageOs !== '',
    `ImageOS=${clip(imageOs ?? '')}`,
    'ImageOS not set',
  )
  const imageVersion = probe.env['ImageVersion']
  corroborate(
    imageVersion !== undefined && imageVersion !== '',
    `ImageVersion=${clip(imageVersion ?? '')}`,
    'ImageVersion not set',
  )
  corroborate(
    probe.exists(PROBE_PATHS.runnerHome),
    `${PROBE_PATHS.runnerHome} present`,
    `${PROBE_PATHS.runnerHome} absent`,
  )
  corroborate(
    probe.exists(PROBE_PATHS.hostedToolcache),
    `${PROBE_PATHS.hostedToolcache} present`,
    `${PROBE_PATHS.hostedToolcache} absent`,
  )
  const runnerName = probe.env['RUNNER_NAME']
  corroborate(
    runnerName !== undefined && HOSTED_RUNNER_NAME.test(runnerName),
    `RUNNER_NAME=${clip(runnerName ?? '')} (GitHub's naming)`,
    runnerName === undefined
      ? 'RUNNER_NAME not set'
      : `RUNNER_NAME=${clip(runnerName)} (not GitHub's naming)`,
  )

  let kind: RunnerKind = 'bare-host'
  if (containerSigns.includes(true)) kind = 'container'
  else if (claimsHosted && corroboration >= HOSTED_CORROBORATION_NEEDED) kind = 'github-hosted-vm'
  return { kind, evidence }
}

/** The `reason` given when `isolation: none` skipped the check. */
export const ISOLATION_SKIPPED_REASON = 'isolation check skipped (isolation: none)'

/**
 * Apply the `isolation` input to what was detected. `container` allows only a container;
 * `vm-or-container` (the default) also allows a GitHub-hosted VM; `none` allows anything and says
 * so in `reason`. A refusal's `reason` is one sentence that says what to do.
 */
export function decideIsolation(
  detected: DetectedIsolation,
  mode: IsolationMode,
): IsolationVerdict {
  const base = { kind: detected.kind, evidence: [...detected.evidence] }
  if (mode === 'none') return { ...base, allowed: true, reason: ISOLATION_SKIPPED_REASON }
  if (detected.kind === 'container') return { ...base, allowed: true }
  if (mode === 'vm-or-container' && detected.kind === 'github-hosted-vm') {
    return { ...base, allowed: true }
  }
  const reason =
    detected.kind === 'github-hosted-vm'
      ? 'This runner is a GitHub-hosted VM but `isolation: container` requires a container; run the job in a `container:`, or set `isolation: vm-or-container`.'
      : mode === 'container'
        ? 'This runner looks like a self-hosted machine (no container evidence); run the job in a `container:`, or set `isolation: none` if you accept the risk.'
        : 'This runner looks like a self-hosted machine (no container or GitHub-hosted VM evidence); run the job in a `container:` or on a GitHub-hosted runner, or set `isolation: none` if you accept the risk.'
  return { ...base, allowed: false, reason }
}

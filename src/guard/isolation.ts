/**
 * The guard: is this runner a throwaway place (a container, or a GitHub-hosted VM that is destroyed
 * after the job), or a long-lived machine where an agent with skip-permissions could leave something
 * behind for the next job?
 *
 * `detectIsolation` and `decideIsolation` are pure: they look only at what an {@link IsolationProbe}
 * answers (`evidence.ts` reads the files' text). `readProbe` (`probe.ts`) is the only I/O, and it
 * only checks that paths exist and reads small files.
 *
 * What the guard is for: catching a workflow that was pointed at the wrong runner by mistake. It is
 * not a defence against the workflow's author or the runner's administrator, who can forge every
 * signal read here (files, environment variables) and already own the job anyway (see DESIGN.md,
 * "Out of scope").
 */
import {
  cgroupEvidence,
  clip,
  mountinfoEvidence,
  schedEvidence,
  type Evidence,
} from './evidence.js'
import { PROBE_PATHS, type IsolationProbe } from './probe.js'
import type { IsolationMode, IsolationVerdict, RunnerKind } from '../types/stages.js'

/** What the detector concluded, with one evidence line per thing it looked at. */
export interface DetectedIsolation {
  kind: RunnerKind
  /** `+ …` for a sign of isolation, `- …` for a sign that was looked for and not found. */
  evidence: string[]
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
  const container = containerEvidence(probe)
  const claim = hostedClaim(probe)
  const corroboration = hostedCorroboration(probe)
  let kind: RunnerKind = 'bare-host'
  if (container.some((sign) => sign.container)) kind = 'container'
  else if (claim.claimed && corroboration.count >= HOSTED_CORROBORATION_NEEDED) {
    kind = 'github-hosted-vm'
  }
  return {
    kind,
    evidence: [...container.map((sign) => sign.line), claim.line, ...corroboration.lines],
  }
}

/** One line per container sign looked at: files, cgroups, mounts, pid 1, the environment. */
function containerEvidence(probe: IsolationProbe): Evidence[] {
  const evidence: Evidence[] = [
    probe.exists(PROBE_PATHS.dockerenv)
      ? { line: `+ ${PROBE_PATHS.dockerenv} present (Docker)`, container: true }
      : { line: `- ${PROBE_PATHS.dockerenv} absent`, container: false },
    probe.exists(PROBE_PATHS.containerenv)
      ? { line: `+ ${PROBE_PATHS.containerenv} present (Podman)`, container: true }
      : { line: `- ${PROBE_PATHS.containerenv} absent`, container: false },
    cgroupEvidence(PROBE_PATHS.initCgroup, probe.read(PROBE_PATHS.initCgroup)),
    cgroupEvidence(PROBE_PATHS.selfCgroup, probe.read(PROBE_PATHS.selfCgroup)),
    mountinfoEvidence(PROBE_PATHS.mountinfo, probe.read(PROBE_PATHS.mountinfo)),
    schedEvidence(PROBE_PATHS.initSched, probe.read(PROBE_PATHS.initSched)),
  ]
  const containerVar = probe.env['container']
  evidence.push(
    containerVar !== undefined && containerVar !== ''
      ? { line: `+ container=${clip(containerVar)} in the environment`, container: true }
      : { line: '- container variable not set', container: false },
  )
  const kubernetes = probe.env['KUBERNETES_SERVICE_HOST']
  evidence.push(
    kubernetes !== undefined && kubernetes !== ''
      ? { line: '+ KUBERNETES_SERVICE_HOST set (Kubernetes pod)', container: true }
      : { line: '- KUBERNETES_SERVICE_HOST not set', container: false },
  )
  return evidence
}

/** Whether the runner says it is GitHub-hosted (`RUNNER_ENVIRONMENT`), with its evidence line. */
function hostedClaim(probe: IsolationProbe): { claimed: boolean; line: string } {
  const runnerEnvironment = probe.env['RUNNER_ENVIRONMENT']
  const claimed = runnerEnvironment === 'github-hosted'
  const line = claimed
    ? '+ RUNNER_ENVIRONMENT=github-hosted'
    : runnerEnvironment === undefined || runnerEnvironment === ''
      ? '- RUNNER_ENVIRONMENT not set'
      : `- RUNNER_ENVIRONMENT=${clip(runnerEnvironment)}`
  return { claimed, line }
}

/** How many signs of GitHub's hosted images back that claim, one evidence line each. */
function hostedCorroboration(probe: IsolationProbe): { count: number; lines: string[] } {
  const lines: string[] = []
  let count = 0
  const corroborate = (present: boolean, yes: string, no: string): void => {
    lines.push(present ? `+ ${yes}` : `- ${no}`)
    if (present) count += 1
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
  return { count, lines }
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

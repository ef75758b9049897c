/**
 * What the files the guard reads say about the runner: one evidence line each, `+ …` for a sign
 * of a container and `- …` for a sign looked for and not found. Pure: takes the files' text.
 */

/** One evidence line, and whether it is a sign of a container. */
export interface Evidence {
  line: string
  container: boolean
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
 * Reads one cgroup file (`/proc/<pid>/cgroup`). A cgroup v2 line `0::/` (or v1 lines that are all `/`) is deliberately not
 * counted: it only says the process sits at the root of the cgroup tree *it can see*. That is what a
 * container with its own cgroup namespace sees (Docker's default on cgroup v2), and also what a
 * process in the host's root cgroup sees (pid 1 without systemd, kernel helpers): it cannot tell the
 * two apart.
 */
export function cgroupEvidence(path: string, text: string | null): Evidence {
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
 * Reads `/proc/self/mountinfo`: an overlay filesystem as `/`, or `/etc/hostname`-style files
 * bind-mounted out of a runtime's state directory. Overlay mounts elsewhere are ignored on purpose:
 * a host that runs Docker shows its containers' `…/overlay2/…/merged` mounts too.
 */
export function mountinfoEvidence(path: string, text: string | null): Evidence {
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
 * Reads the first line of `/proc/1/sched`, `<comm> (<pid>, #threads: <n>)`. A container's pid 1 is
 * whatever it was started with (`tail` for a GitHub job container, `tini`, `sh`, `node` …); a
 * machine's pid 1 is an init system.
 */
export function schedEvidence(path: string, text: string | null): Evidence {
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
export function clip(value: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, '?')
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable
}

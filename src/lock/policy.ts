import path from 'node:path'
import type { Config } from '../inputs/config.js'
import type { HookEvent, HookPolicy } from '../types/hook-policy.js'
import {
  HOME_CREDENTIAL_PATHS,
  HOME_STARTUP_FILES,
  KNOWN_TOOLS,
  MANAGED_SETTINGS_DIR,
  NETWORK_TOOLS,
  SEED_BASH_DENY,
  SEED_FILE_DENY,
} from './defaults.js'

/** Where things are on this runner; every path absolute. */
export interface LockPaths {
  workspace: string
  home: string
  /** `RUNNER_TEMP`: holds the file-command files and checkout's credentials. */
  runnerTemp: string | null
  /** The action's own folder for this run (policy, logs, backups); never readable by the agent. */
  privateDir: string
  /** The agent's temp folder (`CLAUDE_CODE_TMPDIR`), writable. */
  agentTmp: string
  /** Files that hold credentials and must not be read (e.g. what GOOGLE_APPLICATION_CREDENTIALS names). */
  secretFiles: string[]
  /** The runner's file-command files (GITHUB_ENV, GITHUB_PATH, …) and other runner folders. */
  runnerFiles: string[]
  /** The Node.js binary and the bundled hook that the CLI runs for every tool call. */
  node: string
  hookScript: string
}

/** The Claude Code settings object written as managed settings. Only keys the CLI's schema knows. */
export interface ManagedSettings {
  permissions: { deny: string[]; disableBypassPermissionsMode?: never }
  allowManagedHooksOnly: true
  allowManagedPermissionRulesOnly: true
  hooks: {
    PreToolUse: {
      matcher: string
      hooks: { type: 'command'; command: string; timeout: number }[]
    }[]
    SessionStart: { hooks: { type: 'command'; command: string; timeout: number }[] }[]
  }
  sandbox: {
    enabled: boolean
    failIfUnavailable: boolean
    allowUnsandboxedCommands: false
    autoAllowBashIfSandboxed: boolean
    enableWeakerNestedSandbox?: boolean
    /** A bubblewrap that drops every capability (set when the CLI runs as root). */
    bwrapPath?: string
    network: {
      allowedDomains: string[]
      allowManagedDomainsOnly: true
      allowUnixSockets: string[]
      allowAllUnixSockets: false
      allowLocalBinding: false
    }
    filesystem: { allowWrite: string[]; denyWrite: string[]; denyRead: string[] }
    credentials: { envVars: { name: string; mode: 'deny' }[] }
  }
}

/** How the OS sandbox is to run, as decided by the probe and the `sandbox` input. */
export type SandboxSetting = 'on' | 'weaker-nested' | 'off'

/** The whole lock for one run. */
export interface Lock {
  settings: ManagedSettings
  hookPolicy: HookPolicy
  /** The `--tools` list. */
  tools: string[]
  denyRules: string[]
}

/** Absolute-path rule syntax of the CLI (`//abs/path`). */
function abs(p: string): string {
  return `/${p.startsWith('/') ? p : `/${p}`}`
}

/** Quotes one word for the POSIX shell the CLI runs hook commands with. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}

/**
 * Builds the managed settings, the hook's policy and the tool list from the config. Pure.
 * Guarantees: the sandbox's network is managed-only; unsandboxed commands are off; the model
 * credential is unset for sandboxed commands; credential stores, `/proc`, the runner's folders
 * and the lock itself are denied to every tool; the repository's hooks and rules are ignored.
 */
export function buildLock(
  config: Pick<Config, 'allowedDomains' | 'allowWrite' | 'deny' | 'modelCredential'>,
  paths: LockPaths,
  options: { nonce: string; sandbox: SandboxSetting; bwrapPath?: string },
): Lock {
  const home = paths.home
  const homeCredentials = HOME_CREDENTIAL_PATHS.map((p) => path.join(home, p))
  const runnerFolders = [
    ...(paths.runnerTemp !== null ? [paths.runnerTemp] : []),
    ...paths.runnerFiles,
  ]
  const readDenied = [
    ...homeCredentials,
    ...paths.secretFiles,
    ...runnerFolders,
    paths.privateDir,
    '/proc',
    '/sys/kernel',
    MANAGED_SETTINGS_DIR,
  ]
  const gitDir = path.join(paths.workspace, '.git')
  const writeDenied = [
    path.join(gitDir, 'hooks'),
    path.join(gitDir, 'config'),
    ...HOME_STARTUP_FILES.map((p) => path.join(home, p)),
    MANAGED_SETTINGS_DIR,
    paths.privateDir,
    ...runnerFolders,
  ]

  const denyRules = [
    ...SEED_BASH_DENY,
    ...SEED_FILE_DENY.flatMap((glob) => [
      `Read(${abs(path.join(paths.workspace, glob))})`,
      `Edit(${abs(path.join(paths.workspace, glob))})`,
    ]),
    ...readDenied.flatMap((p) => [`Read(${abs(p)})`, `Read(${abs(p)}/**)`]),
    ...writeDenied.flatMap((p) => [`Edit(${abs(p)})`, `Edit(${abs(p)}/**)`]),
    ...config.deny,
  ]
  const uniqueDeny = [...new Set(denyRules)]

  const networkAllowed = config.allowedDomains.length > 0
  const tools = KNOWN_TOOLS.filter((tool) => networkAllowed || !NETWORK_TOOLS.has(tool))

  const hookCommand = (event: HookEvent, policyFile: string): string =>
    [paths.node, paths.hookScript, event, policyFile].map(shellQuote).join(' ')
  const policyFile = path.join(paths.privateDir, 'policy.json')

  const settings: ManagedSettings = {
    permissions: { deny: uniqueDeny },
    allowManagedHooksOnly: true,
    allowManagedPermissionRulesOnly: true,
    hooks: {
      PreToolUse: [
        {
          matcher: '*',
          hooks: [
            { type: 'command', command: hookCommand('pre-tool-use', policyFile), timeout: 30 },
          ],
        },
      ],
      SessionStart: [
        {
          hooks: [
            { type: 'command', command: hookCommand('session-start', policyFile), timeout: 30 },
          ],
        },
      ],
    },
    sandbox: {
      enabled: options.sandbox !== 'off',
      failIfUnavailable: options.sandbox !== 'off',
      allowUnsandboxedCommands: false,
      autoAllowBashIfSandboxed: true,
      ...(options.sandbox === 'weaker-nested' ? { enableWeakerNestedSandbox: true } : {}),
      ...(options.bwrapPath !== undefined ? { bwrapPath: options.bwrapPath } : {}),
      network: {
        allowedDomains: [...config.allowedDomains],
        allowManagedDomainsOnly: true,
        allowUnixSockets: [],
        allowAllUnixSockets: false,
        allowLocalBinding: false,
      },
      filesystem: {
        allowWrite: [paths.agentTmp, ...config.allowWrite],
        denyWrite: writeDenied,
        denyRead: readDenied.filter((p) => p !== '/proc' && p !== '/sys/kernel'),
      },
      credentials: {
        envVars: [
          { name: 'ANTHROPIC_API_KEY', mode: 'deny' },
          { name: 'CLAUDE_CODE_OAUTH_TOKEN', mode: 'deny' },
          { name: 'ANTHROPIC_AUTH_TOKEN', mode: 'deny' },
        ],
      },
    },
  }

  const hookPolicy: HookPolicy = {
    version: 1,
    nonce: options.nonce,
    sessionFile: path.join(paths.privateDir, 'session-start'),
    logFile: path.join(paths.privateDir, 'decisions.jsonl'),
    tools,
    writeRoots: [paths.workspace, paths.agentTmp, ...config.allowWrite],
    denyWrite: [gitDir, ...writeDenied],
    denyRead: readDenied,
    denyNames: ['.env*', '*credentials*', '*secret*'],
    allowedDomains: [...config.allowedDomains],
  }

  return { settings, hookPolicy, tools, denyRules: uniqueDeny }
}

type Shape = 'boolean' | 'string' | 'number' | 'string[]' | { [key: string]: Shape } | [Shape]

/**
 * The subset of the CLI's settings schema (2.1.197) that the lock uses. The CLI silently drops a
 * managed settings file that fails its own validation, deny rules and all, so what we write is
 * checked against this first.
 */
const HOOK_SHAPE: Shape = { type: 'string', command: 'string', timeout: 'number' }
const SETTINGS_SHAPE: Shape = {
  permissions: { deny: 'string[]' },
  allowManagedHooksOnly: 'boolean',
  allowManagedPermissionRulesOnly: 'boolean',
  hooks: {
    PreToolUse: [{ matcher: 'string', hooks: [HOOK_SHAPE] }],
    SessionStart: [{ hooks: [HOOK_SHAPE] }],
  },
  sandbox: {
    enabled: 'boolean',
    failIfUnavailable: 'boolean',
    allowUnsandboxedCommands: 'boolean',
    autoAllowBashIfSandboxed: 'boolean',
    enableWeakerNestedSandbox: 'boolean',
    bwrapPath: 'string',
    network: {
      allowedDomains: 'string[]',
      allowManagedDomainsOnly: 'boolean',
      allowUnixSockets: 'string[]',
      allowAllUnixSockets: 'boolean',
      allowLocalBinding: 'boolean',
    },
    filesystem: { allowWrite: 'string[]', denyWrite: 'string[]', denyRead: 'string[]' },
    credentials: { envVars: [{ name: 'string', mode: 'string' }] },
  },
}

/** Keys the lock may leave out; every other key of the shape must be present. */
const OPTIONAL_KEYS: ReadonlySet<string> = new Set(['enableWeakerNestedSandbox', 'bwrapPath'])

function check(value: unknown, shape: Shape, at: string, problems: string[]): void {
  if (shape === 'string[]') {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      problems.push(`${at} must be a list of strings`)
  } else if (typeof shape === 'string') {
    if (typeof value !== shape) problems.push(`${at} must be a ${shape}`)
  } else if (Array.isArray(shape)) {
    if (!Array.isArray(value)) {
      problems.push(`${at} must be a list`)
      return
    }
    value.forEach((item, i) => {
      check(item, shape[0], `${at}[${i}]`, problems)
    })
  } else {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${at} must be an object`)
      return
    }
    for (const [key, child] of Object.entries(value)) {
      const childShape = shape[key]
      if (childShape === undefined) problems.push(`${at}.${key} is not a key the lock may set`)
      else check(child, childShape, `${at}.${key}`, problems)
    }
    for (const key of Object.keys(shape)) {
      if (!(key in value) && !OPTIONAL_KEYS.has(key)) problems.push(`${at}.${key} is missing`)
    }
  }
}

/**
 * Validates a settings object before it is written. Returns the problems found (empty when valid).
 * Also refuses a lock that would not hold: sandbox on without `failIfUnavailable`, unsandboxed
 * commands allowed, network not managed-only, hooks not managed-only.
 */
export function validateManagedSettings(value: unknown): string[] {
  const problems: string[] = []
  check(value, SETTINGS_SHAPE, 'settings', problems)
  if (problems.length > 0) return problems
  const settings = value as {
    allowManagedHooksOnly: boolean
    allowManagedPermissionRulesOnly: boolean
    hooks: { PreToolUse: unknown[]; SessionStart: unknown[] }
    sandbox: {
      enabled: boolean
      failIfUnavailable: boolean
      allowUnsandboxedCommands: boolean
      network: { allowManagedDomainsOnly: boolean }
    }
  }
  if (!settings.allowManagedHooksOnly) problems.push('settings.allowManagedHooksOnly must be true')
  if (!settings.allowManagedPermissionRulesOnly)
    problems.push('settings.allowManagedPermissionRulesOnly must be true')
  if (settings.sandbox.enabled && !settings.sandbox.failIfUnavailable) {
    problems.push('settings.sandbox.failIfUnavailable must be true when the sandbox is on')
  }
  if (settings.sandbox.allowUnsandboxedCommands)
    problems.push('settings.sandbox.allowUnsandboxedCommands must be false')
  if (!settings.sandbox.network.allowManagedDomainsOnly) {
    problems.push('settings.sandbox.network.allowManagedDomainsOnly must be true')
  }
  const hookCount = (groups: unknown[]): number =>
    groups.reduce<number>((n, group) => n + (group as { hooks: unknown[] }).hooks.length, 0)
  if (hookCount(settings.hooks.PreToolUse) === 0 || hookCount(settings.hooks.SessionStart) === 0) {
    problems.push('settings.hooks must run the policy hook')
  }
  return problems
}

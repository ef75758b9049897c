/**
 * The lock, built from the config and where things are on this runner: the managed settings (deny
 * rules, managed-only hooks and rules, the OS sandbox's filesystem and network allowlists), the
 * policy hook's policy and the `--tools` list. Every layer denies the same paths, computed once.
 * Pure: no file system, no environment.
 */
import path from 'node:path'
import type { Config } from '../inputs/index.js'
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

/** Config the lock reads. */
type LockConfig = Pick<Config, 'allowedDomains' | 'allowWrite' | 'deny' | 'modelCredential'>

/** How the sandbox runs and the run's nonce. */
interface LockOptions {
  nonce: string
  sandbox: SandboxSetting
  bwrapPath?: string
}

/** The real paths denied to the agent, shared by the deny rules, the sandbox and the hook. */
interface DeniedPaths {
  /** The workspace's `.git`: the hook keeps file tools from writing any of it. */
  gitDir: string
  /** Never read (nor written): credential stores, the runner's and the action's folders, `/proc`. */
  readDenied: string[]
  /** Never written: git hooks and config, shell start-up files, the lock, the runner's folders. */
  writeDenied: string[]
}

/**
 * Builds the managed settings, the hook's policy and the tool list from the config. Pure.
 * Guarantees: the sandbox's network is managed-only; unsandboxed commands are off; the model
 * credential is unset for sandboxed commands; credential stores, `/proc`, the runner's folders
 * and the lock itself are denied to every tool; the repository's hooks and rules are ignored.
 */
export function buildLock(config: LockConfig, paths: LockPaths, options: LockOptions): Lock {
  const denied = deniedPaths(paths)
  const denyRules = denyRulesFor(config, paths, denied)
  const tools = toolsFor(config)
  const settings = managedSettings(config, paths, options, denied, denyRules)
  const hookPolicy = hookPolicyFor(config, paths, options, denied, tools)
  return { settings, hookPolicy, tools, denyRules }
}

/** The paths every layer denies, from where things are on this runner. */
function deniedPaths(paths: LockPaths): DeniedPaths {
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
  return { gitDir, readDenied, writeDenied }
}

/** The CLI's deny rules (seed rules, denied paths, the `deny` input), each once, in order. */
function denyRulesFor(config: LockConfig, paths: LockPaths, denied: DeniedPaths): string[] {
  const { readDenied, writeDenied } = denied
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
  return [...new Set(denyRules)]
}

/** The `--tools` list: the known tools, without the network ones when no domain is allowed. */
function toolsFor(config: LockConfig): string[] {
  const networkAllowed = config.allowedDomains.length > 0
  return KNOWN_TOOLS.filter((tool) => networkAllowed || !NETWORK_TOOLS.has(tool))
}

/** The managed hooks: the policy hook for every tool call, and once at session start. */
function policyHooks(paths: LockPaths): ManagedSettings['hooks'] {
  const hookCommand = (event: HookEvent, policyFile: string): string =>
    [paths.node, paths.hookScript, event, policyFile].map(shellQuote).join(' ')
  const policyFile = path.join(paths.privateDir, 'policy.json')
  return {
    PreToolUse: [
      {
        matcher: '*',
        hooks: [{ type: 'command', command: hookCommand('pre-tool-use', policyFile), timeout: 30 }],
      },
    ],
    SessionStart: [
      {
        hooks: [
          { type: 'command', command: hookCommand('session-start', policyFile), timeout: 30 },
        ],
      },
    ],
  }
}

/** The settings file: deny rules, managed-only hooks and rules, and the OS sandbox. */
function managedSettings(
  config: LockConfig,
  paths: LockPaths,
  options: LockOptions,
  denied: DeniedPaths,
  denyRules: string[],
): ManagedSettings {
  const { readDenied, writeDenied } = denied
  return {
    permissions: { deny: denyRules },
    allowManagedHooksOnly: true,
    allowManagedPermissionRulesOnly: true,
    hooks: policyHooks(paths),
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
}

/** What the policy hook enforces: the same denials by real path, the write roots, the domains. */
function hookPolicyFor(
  config: LockConfig,
  paths: LockPaths,
  options: LockOptions,
  denied: DeniedPaths,
  tools: string[],
): HookPolicy {
  return {
    version: 1,
    nonce: options.nonce,
    sessionFile: path.join(paths.privateDir, 'session-start'),
    logFile: path.join(paths.privateDir, 'decisions.jsonl'),
    tools,
    writeRoots: [paths.workspace, paths.agentTmp, ...config.allowWrite],
    denyWrite: [denied.gitDir, ...denied.writeDenied],
    denyRead: denied.readDenied,
    denyNames: ['.env*', '*credentials*', '*secret*'],
    allowedDomains: [...config.allowedDomains],
  }
}

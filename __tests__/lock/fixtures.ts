/** A runner's paths and a config for building locks in tests. */
import type { Config } from '../../src/inputs/config.js'
import { buildLock, type LockPaths, type SandboxSetting } from '../../src/lock/policy.js'

export type LockConfig = Pick<Config, 'allowedDomains' | 'allowWrite' | 'deny' | 'modelCredential'>

export const WS = '/home/runner/work/repo/repo'
export const HOME = '/home/runner'
export const RUNNER_TEMP = '/home/runner/work/_temp'
export const PRIVATE = `${RUNNER_TEMP}/airlock-Xy12`
export const AGENT_TMP = '/tmp/airlock-agent-tmp-Ab34'

export const PATHS: LockPaths = {
  workspace: WS,
  home: HOME,
  runnerTemp: RUNNER_TEMP,
  privateDir: PRIVATE,
  agentTmp: AGENT_TMP,
  secretFiles: ['/opt/gcp/service-account.json'],
  runnerFiles: ['/home/runner/work/_temp/_runner_file_commands/set_env_1', '/srv/event.json'],
  node: '/opt/hostedtoolcache/node/24.0.0/x64/bin/node',
  hookScript: '/home/runner/work/_actions/acme/airlock/v1/dist/hook/index.js',
}

export const CONFIG: LockConfig = {
  allowedDomains: [],
  allowWrite: [],
  deny: [],
  modelCredential: { name: 'ANTHROPIC_API_KEY', value: 'unused-by-the-lock' },
}

export function lock(
  config: Partial<LockConfig> = {},
  paths: Partial<LockPaths> = {},
  sandbox: SandboxSetting = 'on',
): ReturnType<typeof buildLock> {
  return buildLock({ ...CONFIG, ...config }, { ...PATHS, ...paths }, { nonce: 'n0nce', sandbox })
}

/** The path inside a `Read(...)` or `Edit(...)` rule. */
export function rulePath(rule: string): string | null {
  return /^(?:Read|Edit)\((.*)\)$/s.exec(rule)?.[1] ?? null
}

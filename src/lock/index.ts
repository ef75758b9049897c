/**
 * The lock: what the agent may do, written where the CLI cannot be told otherwise. Built purely
 * (`buildLock`, checked by `validateManagedSettings`), then installed as the machine's managed
 * settings (`planSettingsChange`, `installManagedSettings`, put back by `restoreManagedSettings`)
 * through root or `sudo -n` (`privilegedFs`); the OS sandbox probed and decided (`probeSandbox`,
 * `decideSandbox`); a self-hosted runner's own secrets found and denied (`findRunnerRoot`).
 */
export {
  DEFAULT_CLAUDE_VERSION,
  DEFAULT_TIMEOUT_MINUTES,
  MANAGED_SETTINGS_FILE,
  SAFE_CLAUDE_ARGS,
} from './defaults.js'
export { buildLock, type Lock, type LockPaths, type SandboxSetting } from './policy.js'
export { validateManagedSettings } from './settings-schema.js'
export {
  installManagedSettings,
  planSettingsChange,
  restoreManagedSettings,
  type SettingsChange,
} from './managed-settings.js'
export {
  APPARMOR_USERNS_SYSCTL,
  hasPasswordlessSudo,
  isRoot,
  privilegedFs,
  privilegedFsFor,
  setSysctl,
  type PrivilegedFs,
} from './privileged-write.js'
export { capDropWrapper, decideSandbox, findProgram, probeSandbox } from './sandbox.js'
export { findRunnerRoot, runnerPrivatePaths } from './runner-files.js'
export { installLock, lockSummary } from './install.js'

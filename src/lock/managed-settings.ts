/**
 * The lock as the machine's managed settings (`/etc/claude-code/managed-settings.json`): what was
 * there is backed up byte for byte and the drop-in folder moved aside before Airlock's file is
 * written, and both are put back afterwards. The plan is made first so it can be saved in state
 * before anything changes. I/O, through a `PrivilegedFs`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  MANAGED_SETTINGS_DIR,
  MANAGED_SETTINGS_DROPIN_DIR,
  MANAGED_SETTINGS_FILE,
} from './defaults.js'
import type { ManagedSettings } from './policy.js'
import type { PrivilegedFs } from './privileged-write.js'
import { errorMessage } from '../pipeline/errors.js'

/** What installing the lock changed, recorded in state before the change is made. */
export interface SettingsChange {
  useSudo: boolean
  /** The managed folder did not exist and was created (removed again on restore if empty). */
  createdDir: boolean
  /** Byte-for-byte copy of the managed settings file that was there, if any. */
  backup: string | null
  /** Where the drop-in folder was moved for the run, if there was one. */
  dropinMovedTo: string | null
}

/**
 * Plans the change: looks at what is there now. Call it, save the result in state, then
 * {@link installManagedSettings}.
 */
export function planSettingsChange(privateDir: string, useSudo: boolean): SettingsChange {
  return {
    useSudo,
    createdDir: !existsSync(MANAGED_SETTINGS_DIR),
    backup: existsSync(MANAGED_SETTINGS_FILE)
      ? path.join(privateDir, 'managed-settings.backup.json')
      : null,
    dropinMovedTo: existsSync(MANAGED_SETTINGS_DROPIN_DIR)
      ? `${MANAGED_SETTINGS_DROPIN_DIR}.airlock-moved-${path.basename(privateDir)}`
      : null,
  }
}

/**
 * Writes the lock as the machine's managed settings. An existing file is backed up byte for byte
 * first; an existing drop-in folder (which the CLI merges after the file, and which could add
 * rules or hooks of its own) is moved aside for the run. The settings are written with mode 0644,
 * owned by root, so nothing the agent runs as another user can change them.
 */
export async function installManagedSettings(
  change: SettingsChange,
  settings: ManagedSettings,
  privateDir: string,
  fs: PrivilegedFs,
): Promise<void> {
  if (change.backup !== null) await fs.copy(MANAGED_SETTINGS_FILE, change.backup)
  if (change.createdDir) await fs.mkdir(MANAGED_SETTINGS_DIR)
  if (change.dropinMovedTo !== null) {
    await fs.move(MANAGED_SETTINGS_DROPIN_DIR, change.dropinMovedTo)
  }
  const staged = path.join(privateDir, 'managed-settings.json')
  writeFileSync(staged, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o644 })
  await fs.install(staged, MANAGED_SETTINGS_FILE, 0o644)
  const written = readFileSync(MANAGED_SETTINGS_FILE, 'utf8')
  if (written !== readFileSync(staged, 'utf8')) {
    throw new Error(
      `${MANAGED_SETTINGS_FILE} does not hold what Airlock wrote; the lock is not in force.`,
    )
  }
}

/**
 * Puts the managed settings back as they were: the backup byte for byte (mode and owner kept),
 * or no file at all; the drop-in folder moved back; a folder Airlock created removed if empty.
 * Idempotent. Returns warnings instead of throwing.
 */
export async function restoreManagedSettings(
  change: SettingsChange,
  fs: PrivilegedFs,
): Promise<string[]> {
  const warnings: string[] = []
  const attempt = async (what: string, action: () => Promise<void>): Promise<void> => {
    try {
      await action()
    } catch (error) {
      warnings.push(`Could not ${what}: ${errorMessage(error).split('\n')[0] ?? ''}`)
    }
  }
  if (change.backup !== null && existsSync(change.backup)) {
    await attempt(`restore ${MANAGED_SETTINGS_FILE} from its backup`, () =>
      fs.copy(change.backup ?? '', MANAGED_SETTINGS_FILE),
    )
  } else if (change.backup === null) {
    await attempt(`remove ${MANAGED_SETTINGS_FILE}`, () => fs.remove(MANAGED_SETTINGS_FILE))
  }
  if (change.dropinMovedTo !== null && existsSync(change.dropinMovedTo)) {
    await attempt(`move ${MANAGED_SETTINGS_DROPIN_DIR} back`, () =>
      fs.move(change.dropinMovedTo ?? '', MANAGED_SETTINGS_DROPIN_DIR),
    )
  }
  if (change.createdDir) await fs.removeEmptyDir(MANAGED_SETTINGS_DIR)
  return warnings
}

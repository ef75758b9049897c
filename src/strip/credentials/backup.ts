/**
 * The backup of what is taken away, and putting it back: each file is copied byte for byte into a
 * private backup directory, and a manifest naming the copies is written, before the first change;
 * restoring writes each copy back over whatever the agent left at the original path (file, link or
 * directory), without following links. The manifest holds paths, modes and owners, never a
 * credential.
 */
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { errorMessage } from '../../pipeline/errors.js'
import { isErrno } from './files.js'
import { credentialRedactor } from './redaction.js'

/** One file copied aside before it was changed or moved away. */
export interface CredentialsBackup {
  /** Absolute real path of the file that was changed or moved. */
  original: string
  /** Absolute path of the byte-for-byte copy inside the backup directory (mode 0600). */
  backup: string
  /** `true` when the original was moved away for the run (a credentials file), not edited. */
  removedOriginal: boolean
  /** The original's permission bits, restored with the bytes. */
  mode: number
  /** The original's owner, restored when the action runs as root. */
  uid: number
  /** The original's group, restored with the owner. */
  gid: number
}

/** What `neutralizeGitCredentials` changed; plain JSON, safe to keep in action state. */
export interface CredentialsChange {
  /** Where the copies and `manifest.json` live (mode 0700). */
  backupDir: string
  backups: CredentialsBackup[]
  /** What was taken away, one description each, with paths but never a credential value. */
  removed: string[]
}

/** The name of the record written into the backup directory before anything is changed. */
export const MANIFEST_FILE = 'manifest.json'

/**
 * Copies each file in `touched` byte for byte into the backup directory (recorded in
 * `change.backups`, with whether it is in `moves`: moved aside rather than edited), then writes
 * the manifest. Refuses anything but a regular file, and a backup directory that is not empty.
 */
export async function backUp(
  change: CredentialsChange,
  touched: readonly string[],
  moves: ReadonlyMap<string, string>,
  display: (p: string) => string,
): Promise<void> {
  await prepareBackupDir(change.backupDir)
  for (const [index, original] of touched.entries()) {
    const stat = await fs.lstat(original)
    if (!stat.isFile()) throw new Error(`${display(original)} is not a regular file`)
    const backup = path.join(change.backupDir, `${index}-${path.basename(original)}`)
    await fs.writeFile(backup, await fs.readFile(original), { flag: 'wx', mode: 0o600 })
    change.backups.push({
      original,
      backup,
      removedOriginal: moves.has(original),
      mode: stat.mode & 0o7777,
      uid: stat.uid,
      gid: stat.gid,
    })
  }
  await writeManifest(change)
}

async function prepareBackupDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  const stat = await fs.lstat(dir)
  if (!stat.isDirectory()) throw new Error(`backup directory ${dir} is not a directory`)
  await fs.chmod(dir, 0o700)
  if ((await fs.readdir(dir)).length > 0) {
    throw new Error(`backup directory ${dir} is not empty (an earlier run was not restored?)`)
  }
}

async function writeManifest(change: CredentialsChange): Promise<void> {
  const file = path.join(change.backupDir, MANIFEST_FILE)
  await fs.writeFile(file, JSON.stringify(change, null, 2) + '\n', { flag: 'wx', mode: 0o600 })
}

function isChange(value: unknown): value is CredentialsChange {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<CredentialsChange>
  return (
    typeof v.backupDir === 'string' &&
    Array.isArray(v.removed) &&
    Array.isArray(v.backups) &&
    v.backups.every(
      (b: Partial<CredentialsBackup> | null) =>
        typeof b === 'object' &&
        b !== null &&
        typeof b.original === 'string' &&
        path.isAbsolute(b.original) &&
        typeof b.backup === 'string' &&
        path.dirname(b.backup) === path.resolve(v.backupDir as string) &&
        typeof b.removedOriginal === 'boolean' &&
        typeof b.mode === 'number' &&
        typeof b.uid === 'number' &&
        typeof b.gid === 'number',
    )
  )
}

/**
 * The record `neutralizeGitCredentials` wrote into `backupDir` before its first change, for a post
 * step that runs after `main` died before saving the returned record; `null` when there is none
 * (nothing was changed, or it was already restored).
 */
export async function readCredentialsChange(backupDir: string): Promise<CredentialsChange | null> {
  try {
    const parsed: unknown = JSON.parse(
      await fs.readFile(path.join(backupDir, MANIFEST_FILE), 'utf8'),
    )
    return isChange(parsed) ? parsed : null
  } catch {
    return null
  }
}

/**
 * Put back every file in `change` byte for byte, with its mode (and owner, as root), whatever the
 * agent did to it meanwhile: edited, deleted, replaced by a link or a directory — the backup wins.
 * A file is written next to its original and renamed over it, so a link planted at the original's
 * path is replaced, never followed; a parent directory that now resolves elsewhere is refused.
 * Each backup is deleted once its file is back, so a second call does nothing. Never throws:
 * returns one warning per file it could not put back (its backup is kept for another try).
 */
export async function restoreGitCredentials(change: CredentialsChange): Promise<string[]> {
  const warnings: string[] = []
  const redactor = credentialRedactor()
  if (!isChange(change)) return ['The git credentials record is malformed; nothing was restored.']
  for (const backup of change.backups) {
    try {
      await restoreOne(backup)
    } catch (error) {
      warnings.push(
        redactor.redact(`Could not put back ${backup.original}: ${errorMessage(error)}`),
      )
    }
  }
  if (warnings.length === 0) {
    try {
      await fs.rm(path.join(change.backupDir, MANIFEST_FILE), { force: true })
      await fs.rmdir(change.backupDir)
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) {
        warnings.push(
          `Could not remove the backup directory ${change.backupDir}: ${errorMessage(error)}`,
        )
      }
    }
  }
  return warnings
}

async function restoreOne(backup: CredentialsBackup): Promise<void> {
  let data: Buffer
  try {
    data = await fs.readFile(backup.backup)
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return // already put back
    throw error
  }
  const dir = path.dirname(backup.original)
  await fs.mkdir(dir, { recursive: true, mode: 0o755 })
  const real = await fs.realpath(dir)
  if (real !== dir) throw new Error(`${dir} now resolves to ${real}; not writing through a link`)

  const temporary = path.join(dir, `.airlock-restore-${randomBytes(8).toString('hex')}`)
  const handle = await fs.open(temporary, 'wx', 0o600)
  try {
    try {
      await handle.writeFile(data)
      if (process.getuid?.() === 0) {
        try {
          await handle.chown(backup.uid, backup.gid)
        } catch {
          // the owner may not exist here (another container); the bytes and mode matter most
        }
      }
      await handle.chmod(backup.mode)
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      if ((await fs.lstat(backup.original)).isDirectory()) {
        await fs.rm(backup.original, { recursive: true, force: true })
      }
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error
    }
    await fs.rename(temporary, backup.original)
  } catch (error) {
    await fs.rm(temporary, { force: true })
    throw error
  }
  await fs.unlink(backup.backup)
}

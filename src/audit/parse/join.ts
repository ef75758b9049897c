/**
 * The changed files of one `diff-tree`/`diff-index -r -z --raw -p` run: its raw records joined
 * with the sections of its patch, which give line counts and whether a file is binary. Pure:
 * data in, data out; fails when the two halves disagree rather than guess.
 */
import type { ChangedFile } from '../../types/stages.js'
import type { PatchSection } from './added-lines.js'
import { decodeBytes } from './bytes.js'
import { ABSENT_MODE, type RawEntry } from './raw.js'

/** A changed file, with both object names and whether the patch showed its content. */
export interface DiffEntry {
  file: ChangedFile
  oldOid: string
  newOid: string
  /**
   * False when the patch had no hunk and no binary payload for it (a mode-only change, a rename
   * without edits, an empty file): for such a file `binary` is only known from its content.
   */
  contentShown: boolean
}

/**
 * Joins the raw records of one `diff-tree -r --raw -p` run with the sections of its patch, which
 * git prints in the same order: one section per record, two for a type change (git splits it
 * into a deletion and a creation). Line counts are the lines the patch removes and adds, which
 * are `--numstat`'s counts for every change but a type change (numstat diffs the old file's text
 * against the new symlink's target; here the patch deletes the one and creates the other). A file
 * is binary when a section says so; binary files have `null` counts. Throws when the two halves
 * do not agree (count, order or names).
 */
export function joinPatchSections(
  entries: readonly RawEntry[],
  sections: readonly PatchSection[],
): DiffEntry[] {
  const joined: DiffEntry[] = []
  let at = 0
  for (const entry of entries) {
    const path = decodeBytes(entry.path)
    const oldPath = entry.oldPath === undefined ? undefined : decodeBytes(entry.oldPath)
    const own = sections.slice(at, at + (entry.status === 'type-changed' ? 2 : 1))
    at += own.length
    if (own.length < (entry.status === 'type-changed' ? 2 : 1)) {
      throw new Error(`The patch has fewer sections than diff-tree listed changes (at ${path}).`)
    }
    let additions = 0
    let deletions = 0
    let binary = false
    let contentShown = false
    const split = entry.status === 'type-changed'
    for (const section of own) {
      if (
        !labelFits(section.oldLabel, oldPath ?? path, entry.status !== 'added', split) ||
        !labelFits(section.newLabel, path, entry.status !== 'deleted', split)
      ) {
        throw new Error(`The patch and diff-tree's records are not in the same order (at ${path}).`)
      }
      additions += section.additions
      deletions += section.deletions
      binary ||= section.binary
      contentShown ||= section.contentShown
    }
    const file: ChangedFile = {
      path,
      status: entry.status,
      additions: binary ? null : additions,
      deletions: binary ? null : deletions,
      binary,
    }
    if (oldPath !== undefined) file.oldPath = oldPath
    if (entry.oldMode !== ABSENT_MODE) file.oldMode = entry.oldMode
    if (entry.newMode !== ABSENT_MODE) file.newMode = entry.newMode
    joined.push({ file, oldOid: entry.oldOid, newOid: entry.newOid, contentShown })
  }
  if (at !== sections.length) {
    throw new Error(
      `The patch has ${sections.length} sections for diff-tree's ${entries.length} changes.`,
    )
  }
  return joined
}

/**
 * Whether a `---`/`+++` label fits its side of the change: absent, the side's path when the side
 * exists, or `/dev/null` when it does not (or may not: git splits a type change into a deletion
 * and a creation).
 */
function labelFits(
  label: string | null | undefined,
  expected: string,
  exists: boolean,
  split: boolean,
): boolean {
  if (label === undefined) return true
  if (label === null) return !exists || split
  return exists && label === expected
}

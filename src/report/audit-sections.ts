/**
 * The sections for what the audit found: violations, changed files (files with a violation
 * first), new ignored files and the agent's commits. The row sections come as row blocks that the
 * layout can cut; every value from the repository is escaped or shown as code.
 *
 * Pure: the audit record in, markdown out.
 */

import type { AuditRecord, ChangedFile, Violation } from '../types/stages.js'
import { codeSpan, escapeCell } from './escape.js'
import { details, num, plural, row, table } from './format.js'
import { rowBlock, type RowBlock } from './layout.js'
import { clip, size } from './measure.js'

/** Most ignored-file names listed. */
const MAX_IGNORED = 100

/** The violations table: kind, where (`path:line`), rule and detail, one row each. */
export function violationBlock(violations: Violation[], moreAt: string): RowBlock {
  const rows = violations.map((v) => {
    const where =
      v.path === undefined
        ? '—'
        : codeSpan(clip(v.path, 300) + (v.line === undefined ? '' : `:${v.line}`))
    return row([
      escapeCell(v.kind),
      where,
      codeSpan(clip(v.rule, 120)),
      escapeCell(clip(v.detail, 300)),
    ])
  })
  const head = [
    `#### Violations (${num(violations.length)})`,
    '',
    ...table(['Kind', 'Where', 'Rule', 'Detail'], []),
  ].join('\n')
  return rowBlock(
    head,
    rows,
    (hidden) => `… and ${plural(hidden, 'more violation')}; see ${moreAt}.`,
  )
}

/** Paths named by a violation. */
function flaggedPaths(violations: Violation[]): Set<string> {
  const paths = new Set<string>()
  for (const v of violations) if (v.path !== undefined) paths.add(v.path)
  return paths
}

function isFlagged(file: ChangedFile, flagged: Set<string>): boolean {
  return flagged.has(file.path) || (file.oldPath !== undefined && flagged.has(file.oldPath))
}

/** How many changed files no violation names (the rows that may be cut first). */
export function countUnflagged(files: ChangedFile[], violations: Violation[]): number {
  const flagged = flaggedPaths(violations)
  let n = 0
  for (const f of files) if (!isFlagged(f, flagged)) n++
  return n
}

/**
 * The changed-files table with totals: files with a violation first and marked, then the others.
 * Builds only the rows that `limit` bytes could ever hold; the block still counts every file.
 */
export function fileBlock(
  files: ChangedFile[],
  violations: Violation[],
  moreAt: string,
  limit: number,
): RowBlock {
  const flagged = flaggedPaths(violations)
  const first: string[] = []
  const rest: ChangedFile[] = []
  let additions = 0
  let deletions = 0
  for (const file of files) {
    additions += file.additions ?? 0
    deletions += file.deletions ?? 0
    if (isFlagged(file, flagged)) first.push(fileRow(file, true))
    else rest.push(file)
  }
  if (files.length === 0) {
    return rowBlock('#### Changed files\n\nNo files changed.', [], () => '')
  }
  const head = [
    `#### Changed files (${num(files.length)}, +${num(additions)} −${num(deletions)})`,
    '',
    ...table(['Status', 'Path', '+/−', 'Notes'], []),
  ].join('\n')
  // Rows past `limit` bytes can never be shown: build one more than fit, not 10,000.
  const rows = first
  let bytes = rows.reduce((sum, r) => sum + size(r) + 1, 0)
  for (const file of rest) {
    if (bytes > limit) break
    const row = fileRow(file, false)
    rows.push(row)
    bytes += size(row) + 1
  }
  return rowBlock(
    head,
    rows,
    (hidden) => `… and ${plural(hidden, 'more file')}; see ${moreAt}.`,
    files.length,
  )
}

function fileRow(file: ChangedFile, flagged: boolean): string {
  const path =
    file.oldPath !== undefined && file.oldPath !== file.path
      ? `${codeSpan(clip(file.oldPath, 200))} → ${codeSpan(clip(file.path, 200))}`
      : codeSpan(clip(file.path, 300))
  const stat = file.binary
    ? 'binary'
    : file.additions === null || file.deletions === null
      ? '—'
      : `+${num(file.additions)} −${num(file.deletions)}`
  const notes: string[] = []
  if (flagged) notes.push('**violation**')
  if (file.binary && stat !== 'binary') notes.push('binary')
  if (file.oldMode !== undefined && file.newMode !== undefined && file.oldMode !== file.newMode) {
    notes.push(`mode ${codeSpan(`${file.oldMode} → ${file.newMode}`)}`)
  } else if (
    file.oldMode === undefined &&
    file.newMode !== undefined &&
    file.newMode !== '100644'
  ) {
    notes.push(`mode ${codeSpan(file.newMode)}`)
  }
  if (file.newMode === '160000') notes.push('submodule')
  if (file.symlinkTarget !== undefined)
    notes.push(`symlink → ${codeSpan(clip(file.symlinkTarget, 200))}`)
  return row([escapeCell(file.status), path, stat, notes.join(', ')])
}

/** The count of new files under ignored paths, and with `withNames` their names, collapsed. */
export function ignoredSection(ignored: string[], withNames: boolean): string {
  const line = `${plural(ignored.length, 'new file')} under ignored paths (not in the table above).`
  if (!withNames) return line
  const shown = ignored.slice(0, MAX_IGNORED).map((p) => `- ${codeSpan(clip(p, 300), 'inline')}`)
  if (ignored.length > MAX_IGNORED) shown.push(`- … and ${num(ignored.length - MAX_IGNORED)} more`)
  return `${line}\n\n${details(`New ignored files (${num(ignored.length)})`, shown.join('\n'))}`
}

/** The agent's commits: short hash and subject, one line each. */
export function commitBlock(commits: AuditRecord['commits'], moreAt: string): RowBlock {
  const rows = commits.map(
    (c) =>
      `- ${codeSpan(clip(c.sha, 40).slice(0, 8), 'inline')} ${escapeCell(clip(c.subject, 150))}`,
  )
  return rowBlock(
    `**Commits by the agent (${num(commits.length)})**\n`,
    rows,
    (hidden) => `… and ${plural(hidden, 'more commit')}; see ${moreAt}.`,
  )
}

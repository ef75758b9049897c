/**
 * The audit's answer: what the agent changed, read by git from the files on disk, not from
 * anything the agent could have arranged. The working tree is snapshotted again into the
 * private store (`store.ts`) and compared with the baseline snapshot (`snapshot.ts`) in one diff
 * pass (`diff.ts`); HEAD's move is read apart (`history.ts`); the result is judged against the
 * protected paths, symlinks out of the workspace and the secret scanner. The user's index,
 * HEAD, refs, object database and working tree are never written.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises'
import path from 'node:path'
import { runGit } from '../git/index.js'
import type { AuditRecord, Violation } from '../types/stages.js'
import { diffIndex, readBlobFacts, type AddedScanner } from './diff.js'
import { headHistory } from './history.js'
import { largeNewTextFiles } from './large-files.js'
import { PatchFile } from './patch.js'
import { protectedPathViolations, symlinkEscape } from './protected-paths.js'
import { settleAll } from './settle.js'
import { copyIndex, listIgnored, writeTreeOf, type Snapshot } from './snapshot.js'
import { storeOptions, workTreeOptions } from './store.js'

/** What {@link collectChanges} checks besides listing the changes. */
export interface CollectOptions {
  /** Patterns to enforce, as `resolveProtectedPaths` returns them. */
  protectedPaths: string[]
  /** Absolute path of the workspace; an absolute symlink target outside it is a violation. */
  workspace: string
  /**
   * Called with runs of consecutive added lines of one text file (`firstLine` is the new-side
   * number of the first), at most about 64 KiB at a time; returns what it found. A line longer
   * than that comes in overlapping pieces. Not scanned, for now: binary files (git's test: a
   * NUL byte in the first 8,000 bytes, so a NUL can hide a file's text), files over 512 MiB
   * (which git diffs as binary) and submodules.
   */
  scanAdded?: AddedScanner
  /**
   * Where to write the whole change as a patch (see `PatchFile`), from the same diff pass that
   * counts and scans the lines. Removed again if the audit fails.
   */
  patchFile?: string
}

/**
 * Snapshots the working tree again after the agent ran and compares it with `baseline`.
 * The file list compares the two trees, so a change cannot hide in history (amend, reset,
 * rebase) or in the index. HEAD's move is reported apart, with the commits the new HEAD has
 * that the old one did not. Violations: protected paths, symlinks pointing out of the tree,
 * and whatever `scanAdded` finds in added lines. Fails (rather than report less) when git
 * cannot read the working tree, for instance an unreadable file or a nested repository
 * without a commit.
 */
export async function collectChanges(
  repo: string,
  tmpDir: string,
  baseline: Snapshot,
  options: CollectOptions,
): Promise<AuditRecord> {
  const real = await realpath(repo)
  if (real !== baseline.workTree && !real.startsWith(`${baseline.workTree}/`)) {
    throw new Error(
      `${real} is not the repository the baseline was taken of (${baseline.workTree}).`,
    )
  }
  const indexDir = await mkdtemp(path.join(tmpDir, 'airlock-final-'))
  let patch: PatchFile | null = null
  try {
    if (options.patchFile !== undefined) patch = await PatchFile.open(options.patchFile)
    const index = path.join(indexDir, 'index')
    await copyIndex(baseline.index, index)
    const work = workTreeOptions(baseline.store, baseline.workTree, index)
    const store = storeOptions(baseline.store)
    // Independent questions at once, one git process each: the working tree staged into the
    // final index, then (compared with the baseline, and written as a tree) side by side; the
    // ignored paths; where HEAD went.
    const [[tree, diff], ignoredNow, history] = await settleAll([
      runGit(['add', '--all'], work).then(async () => {
        const streamed = await largeNewTextFiles(store, index, baseline.index, baseline.tree)
        return settleAll([
          writeTreeOf(work),
          diffIndex(store, index, baseline.tree, options.scanAdded, patch, streamed),
        ])
      }),
      listIgnored(work),
      headHistory(baseline.gitDir, baseline.workTree, baseline.head),
    ])
    await readBlobFacts(store, diff.entries)
    const files = diff.entries.map((entry) => entry.file)

    const violations: Violation[] = [...protectedPathViolations(files, options.protectedPaths)]
    for (const file of files) {
      if (file.symlinkTarget === undefined) continue
      const escape = symlinkEscape(file.path, file.symlinkTarget, options.workspace)
      if (escape !== null) violations.push(escape)
    }
    violations.push(...diff.secrets)
    await patch?.close()

    const before = new Set(baseline.ignored)
    return {
      baseline: { head: baseline.head, tree: baseline.tree },
      final: { head: history.head, tree },
      commits: history.commits,
      historyRewritten: history.rewritten,
      files,
      ignored: ignoredNow.filter((p) => !before.has(p)),
      violations: dedupe(violations),
    }
  } catch (error) {
    await patch?.discard().catch(() => undefined)
    throw error
  } finally {
    await rm(indexDir, { recursive: true, force: true })
  }
}

function dedupe(violations: Violation[]): Violation[] {
  const seen = new Set<string>()
  return violations.filter((v) => {
    const key = JSON.stringify([v.kind, v.path, v.line, v.rule])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

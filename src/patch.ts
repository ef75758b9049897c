import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Snapshot } from './audit.js'
import { streamGit } from './git.js'

/**
 * Writes the agent's whole change (baseline tree → final tree) as a binary-safe patch that
 * `git apply` takes in a fresh clone: renames, deletions, modes, symlinks and binary files
 * included (`--binary --full-index`). Streamed to disk; read from the audit's private store, so
 * nothing the agent planted in the repository (diff drivers, textconv) runs.
 */
export async function writePatch(
  baseline: Snapshot,
  finalTree: string,
  file: string,
): Promise<void> {
  const out = createWriteStream(file, { mode: 0o644 })
  try {
    await streamGit(
      [
        'diff-tree',
        '-r',
        '-p',
        '--binary',
        '--full-index',
        '-M',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        baseline.tree,
        finalTree,
      ],
      { cwd: baseline.store, env: { GIT_DIR: baseline.store } },
      async (chunk) => {
        if (!out.write(chunk)) await once(out, 'drain')
        return true
      },
    )
  } finally {
    out.end()
    await once(out, 'close')
  }
}

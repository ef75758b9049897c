/**
 * The user's repository as git finds it: its work tree, git folder, object database and object
 * format, and the commit its HEAD points at. This and `history.ts` are the only parts of the
 * audit that run git on the repository itself (read only: it is reported, never trusted).
 */
import { realpath } from 'node:fs/promises'
import { runGit, type GitOptions } from '../git/index.js'

/** A full object name, SHA-1 or SHA-256. */
export const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/

/** Where a repository's parts are, as `git rev-parse` says. */
export interface Repository {
  workTree: string
  gitDir: string
  commonDir: string
  objectsDir: string
  objectFormat: string
  /** The commit HEAD pointed at, or `null` on an unborn branch. */
  head: string | null
}

/**
 * Finds the repository around `repo` (the one call that lets git discover it) and the commit
 * its HEAD points at, in one git process. `snapshotWorktree` calls it, unless given its answer:
 * the caller may start it earlier, beside other work, when nothing in between can move HEAD or
 * the repository.
 */
export async function locateRepository(repo: string): Promise<Repository> {
  const real = await realpath(repo)
  const out = await runGit(
    [
      'rev-parse',
      '--path-format=absolute',
      '--show-toplevel',
      '--git-dir',
      '--git-common-dir',
      '--git-path',
      'objects',
      '--show-object-format',
      // Last: on an unborn branch it prints nothing and exits with 1.
      '--verify',
      '--quiet',
      'HEAD^{commit}',
    ],
    { cwd: real, safeDirectories: [real], okExitCodes: [0, 1] },
  )
  const lines = out.toString('utf8').split('\n')
  const [workTree, gitDir, commonDir, objectsDir, objectFormat] = lines
  const head = lines.length === 7 ? (lines[5] ?? '') : null
  if (
    workTree === undefined ||
    gitDir === undefined ||
    commonDir === undefined ||
    objectsDir === undefined ||
    objectFormat === undefined ||
    (lines.length !== 6 && lines.length !== 7) ||
    lines.at(-1) !== '' ||
    (head !== null && !OID.test(head))
  ) {
    throw new Error(`Unexpected answer from git rev-parse in ${real}.`)
  }
  return { workTree, gitDir, commonDir, objectsDir, objectFormat, head }
}

/** Options for the few commands that read the repository itself (HEAD, commits). */
export function repositoryOptions(gitDir: string, workTree: string): GitOptions {
  return { cwd: workTree, env: { GIT_DIR: gitDir }, safeDirectories: [workTree, gitDir] }
}

/** The object name git printed (`command` names it in the error), checked. */
export function readOid(out: Buffer, command: string): string {
  const oid = out.toString('latin1').trim()
  if (!OID.test(oid)) throw new Error(`Unexpected object name from git ${command}.`)
  return oid
}

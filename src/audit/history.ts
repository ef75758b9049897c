/**
 * What happened to HEAD while the agent ran: where it points now, the commits it gained, and
 * whether it left the baseline's line of history (reset, rebase, amend, another branch).
 * Commits are read from the repository itself (`repository.ts`): they are reported, not
 * trusted; the file list never depends on them.
 */
import { runGit, streamGit, type GitOptions } from '../git/index.js'
import type { AgentCommit } from '../types/stages.js'
import { decodeBytes, NulSplitter } from './parse/index.js'
import { OID, readOid, repositoryOptions } from './repository.js'
import { settleAll } from './settle.js'

/** Most agent commits listed. */
export const MAX_COMMITS = 1_000

/** Where HEAD went: see {@link headHistory}. */
export interface HeadHistory {
  /** The commit HEAD points at now, or `null` when there is none. */
  head: string | null
  /** Commits reachable from `head` and not from the baseline, oldest first. */
  commits: AgentCommit[]
  /** Whether `head` left the baseline's line of history. */
  rewritten: boolean
}

/**
 * Where HEAD points now, the commits reachable from it and not from `base` (oldest first, at
 * most {@link MAX_COMMITS}), and whether it left `base`'s line of history (reset, rebase, amend,
 * another branch). Commits are read from the repository itself: they are reported, not trusted.
 */
export async function headHistory(
  gitDir: string,
  workTree: string,
  base: string | null,
): Promise<HeadHistory> {
  const head = await readHead(gitDir, workTree)
  if (head === base) return { head, commits: [], rewritten: false }
  if (head === null) return { head, commits: [], rewritten: true }
  const options = repositoryOptions(gitDir, workTree)
  const [rewritten, commits] = await settleAll([
    base === null
      ? Promise.resolve(false)
      : streamGit(
          ['merge-base', '--is-ancestor', base, head],
          { ...options, okExitCodes: [0, 1] },
          () => undefined,
        ).then((code) => code !== 0),
    commitsSince(options, base, head),
  ])
  return { head, commits, rewritten }
}

/** The commit HEAD points at, or `null` when there is none (unborn branch). */
async function readHead(gitDir: string, workTree: string): Promise<string | null> {
  const out = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    ...repositoryOptions(gitDir, workTree),
    okExitCodes: [0, 1],
  })
  return out.length === 0 ? null : readOid(out, 'rev-parse')
}

async function commitsSince(
  options: GitOptions,
  base: string | null,
  head: string,
): Promise<AgentCommit[]> {
  const commits: AgentCommit[] = []
  const splitter = new NulSplitter()
  await streamGit(
    [
      'log',
      '-z',
      '--reverse',
      '--no-show-signature',
      '--no-decorate',
      '--no-color',
      '--encoding=UTF-8',
      '--format=%H %s',
      head,
      ...(base === null ? [] : [`^${base}`]),
      '--',
    ],
    options,
    (chunk) => {
      for (const field of splitter.push(chunk)) {
        if (commits.length >= MAX_COMMITS) return false
        const space = field.indexOf(0x20)
        const sha = field.subarray(0, space).toString('latin1')
        if (space === -1 || !OID.test(sha)) throw new Error('Unexpected git log output.')
        commits.push({ sha, subject: decodeBytes(field.subarray(space + 1)) })
      }
      return undefined
    },
  )
  return commits
}

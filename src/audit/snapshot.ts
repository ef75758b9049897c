/**
 * The snapshot: the whole working tree (tracked, untracked, staged or not; ignored files apart)
 * written as a tree object in the private store (`store.ts`), staged through a temporary index
 * seeded from a copy of the repository's own. The repository is only read: the user's index,
 * HEAD, refs, object database and working tree are never written. Also the steps the final
 * snapshot (`collect.ts`) repeats: copying an index, writing its tree, listing ignored paths.
 */
import { copyFile, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runGit, streamGit, type GitOptions } from '../git/index.js'
import { decodeBytes, indexMarks, NulSplitter, splitNul } from './parse/index.js'
import { locateRepository, readOid, type Repository } from './repository.js'
import { settleAll } from './settle.js'
import { copyObjects, createStore, isNotFound, workTreeOptions } from './store.js'

/** The working tree at one moment, and where to find what the comparison needs. */
export interface Snapshot {
  /** The commit HEAD pointed at, or `null` on an unborn branch. */
  head: string | null
  /** The working tree as a tree object (in {@link Snapshot.store}). */
  tree: string
  /**
   * Untracked files and folders that ignore rules hide, as `git ls-files --directory` names them
   * (a wholly ignored folder is one entry ending in `/`, so a file added inside a folder that was
   * already ignored is not noticed). At most {@link MAX_IGNORED}.
   */
  ignored: string[]
  /** The repository's top-level folder (real path). */
  workTree: string
  /** The repository's git folder, read for HEAD and commits only. */
  gitDir: string
  /** The private bare repository holding the snapshot's objects. */
  store: string
  /** The index the tree was written from; the final snapshot starts from a copy of it. */
  index: string
}

/** Most ignored entries a snapshot keeps. */
export const MAX_IGNORED = 10_000

/** Largest index read to check its flags in-process; a larger one is checked by git. */
const MAX_INDEX_READ_BYTES = 64 * 1024 * 1024

/**
 * Snapshots the working tree of the repository at `repo` before the agent runs. The snapshot's
 * objects and index go to a new store under `tmpDir`; the repository is only read. The
 * repository's index is copied to seed the temporary one, so unchanged files are not hashed
 * again; its assume-unchanged and skip-worktree marks are cleared in the copy, so a file
 * behind one is compared like any other. The store keeps a packed copy of every file in the
 * tree (about the size of the repository's own pack); `tmpDir` is the caller's to remove.
 */
export async function snapshotWorktree(
  repo: string,
  tmpDir: string,
  located: Promise<Repository> = locateRepository(repo),
): Promise<Snapshot> {
  const repository = await located
  const store = await createStore(path.resolve(tmpDir), repository)
  const index = path.join(store, 'baseline.index')
  const seeded = await seedIndex(repository, store, index)
  const work = workTreeOptions(store, repository.workTree, index)
  // The ignored paths do not depend on what `add` puts in the index: list them meanwhile.
  const [tree, ignored] = await settleAll([
    (async () => {
      if (seeded === 'marked') await clearIndexMarks(work)
      await runGit(['add', '--all'], work)
      const written = await writeTreeOf(work)
      await copyObjects(store, written)
      return written
    })(),
    listIgnored(work),
  ])
  return {
    head: repository.head,
    tree,
    ignored,
    workTree: repository.workTree,
    gitDir: repository.gitDir,
    store,
    index,
  }
}

/**
 * Copies the repository's index (and any split-index part) to `index`. Returns `none` when the
 * repository has no index, `clean` when the copy has no assume-unchanged or skip-worktree mark
 * (read in-process), and `marked` when it may have one, for git to list and clear.
 */
async function seedIndex(
  repository: Repository,
  store: string,
  index: string,
): Promise<'none' | 'clean' | 'marked'> {
  const from = path.join(repository.gitDir, 'index')
  let marks: ReturnType<typeof indexMarks> = 'unknown'
  try {
    const { size } = await stat(from)
    if (size <= MAX_INDEX_READ_BYTES) {
      // Check and copy the same bytes.
      const content = await readFile(from)
      marks = indexMarks(content, repository.objectFormat === 'sha1' ? 20 : 32)
      await copyIndex(from, index, content)
    } else {
      await copyIndex(from, index)
    }
  } catch (error) {
    if (isNotFound(error)) return 'none'
    throw error
  }
  for (const name of await readdir(repository.gitDir)) {
    if (name.startsWith('sharedindex.'))
      await copyFile(path.join(repository.gitDir, name), path.join(store, name))
  }
  return marks === 'none' ? 'clean' : 'marked'
}

/**
 * Copies an index file (or writes `content`, the bytes read from it), dated one second before
 * the original. Git hashes again every entry whose file changed no earlier than the index was
 * written ("racily clean"); a copy with a newer date would hide that race and let git trust a
 * stale entry.
 */
export async function copyIndex(from: string, to: string, content?: Buffer): Promise<void> {
  const { mtimeMs } = await stat(from)
  if (content === undefined) await copyFile(from, to)
  else await writeFile(to, content)
  const seconds = Math.floor(mtimeMs / 1000) - 1
  await utimes(to, seconds, seconds)
}

/** An index file's bytes, or `null` when it is too large to read whole. */
export async function readIndexIfSmall(file: string): Promise<Buffer | null> {
  const { size } = await stat(file)
  return size <= MAX_INDEX_READ_BYTES ? readFile(file) : null
}

/** Clears assume-unchanged and skip-worktree marks, which would make git skip a changed file. */
async function clearIndexMarks(work: GitOptions): Promise<void> {
  const assumed: Buffer[] = []
  const skipped: Buffer[] = []
  for (const field of splitNul(await runGit(['ls-files', '-z', '-v'], work))) {
    const tag = field[0] ?? 0
    const name = field.subarray(2)
    if (tag >= 0x61 && tag <= 0x7a) assumed.push(name) // lowercase: assume-unchanged
    if ((tag | 0x20) === 0x73) skipped.push(name) // S or s: skip-worktree
  }
  const clear = async (flag: string, names: Buffer[]): Promise<void> => {
    if (names.length === 0) return
    const input = Buffer.concat(names.flatMap((n) => [n, Buffer.from([0])]))
    await runGit(['update-index', '-z', flag, '--stdin'], { ...work, input })
  }
  await clear('--no-assume-unchanged', assumed)
  await clear('--no-skip-worktree', skipped)
}

/** Writes the temporary index (the whole working tree, once `add --all` ran) as a tree. */
export async function writeTreeOf(work: GitOptions): Promise<string> {
  return readOid(await runGit(['write-tree'], work), 'write-tree')
}

/** Untracked paths hidden by ignore rules, folded by folder, at most {@link MAX_IGNORED}. */
export async function listIgnored(work: GitOptions): Promise<string[]> {
  const ignored: string[] = []
  const splitter = new NulSplitter()
  await streamGit(
    [
      'ls-files',
      '-z',
      '--others',
      '--ignored',
      '--exclude-standard',
      '--directory',
      '--no-empty-directory',
    ],
    work,
    (chunk) => {
      for (const field of splitter.push(chunk)) {
        if (ignored.length >= MAX_IGNORED) return false
        ignored.push(decodeBytes(field))
      }
      return undefined
    },
  )
  return ignored
}

/**
 * The audit's git layer: what the agent changed, read by git from the files on disk, not from
 * anything the agent could have arranged.
 *
 * A snapshot is the whole working tree (tracked, untracked, staged or not; ignored files
 * apart) written as a tree object. It is built in a private bare repository (the store) inside
 * `tmpDir`, with the repository's folder as its work tree and a temporary index:
 * - the store's config, attributes and hooks are ours, so nothing the agent planted in
 *   `.git/config`, `.git/info/attributes` or `.git/hooks` is read, let alone run;
 * - the store's attributes switch off every content conversion (filters, `ident`, line endings,
 *   encodings), so the snapshot holds the bytes on disk and a planted `.gitattributes` can
 *   neither run a filter nor rewrite content on its way in;
 * - every object the comparison reads lives in the store, not in the repository's object
 *   database, which the agent could write to (a forged loose object under the name of a
 *   baseline blob would otherwise change what "before" means);
 * - the user's index, HEAD, refs, object database and working tree are never written.
 *
 * `tmpDir` must be a folder the agent cannot write to: the store is only as trustworthy as it.
 */
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  realpath,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises'
import path from 'node:path'
import {
  AddedLineParser,
  CatFileBatchParser,
  decodeBytes,
  NulSplitter,
  parseDiffTreeZ,
  splitNul,
  type AddedLine,
  type DiffEntry,
} from './diff.js'
import { runGit, streamGit, type GitOptions } from './git.js'
import { protectedPathViolations, symlinkEscape } from './protected-paths.js'
import type { AgentCommit, AuditRecord, ChangedFile, Violation } from './types.js'

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
  scanAdded?: (path: string, text: string, firstLine: number) => Violation[]
}

/** Most ignored entries a snapshot keeps. */
export const MAX_IGNORED = 10_000
/** Most agent commits listed. */
export const MAX_COMMITS = 1_000

/** Attributes of the store, which outrank every `.gitattributes`: store the bytes on disk. */
const STORE_ATTRIBUTES = '* -text -ident -filter -working-tree-encoding\n'

/** Settings for every command run against the store (on top of git.ts's hardening). */
const STORE_CONFIG: Readonly<Record<string, string>> = Object.freeze({
  // Store bytes as they are on disk; never refuse a file over its line endings.
  'core.autocrlf': 'false',
  'core.safecrlf': 'false',
  // An executable bit or a symlink is a change.
  'core.fileMode': 'true',
  'core.symlinks': 'true',
  'core.ignoreCase': 'false',
  // The stat cache trusts an entry only if its ctime (which no process can set back) matches.
  'core.trustctime': 'true',
  'core.checkStat': 'default',
  // Every path counts, whatever sparse-checkout state the copied index was in.
  'core.sparseCheckout': 'false',
  'index.sparse': 'false',
  // Our index is one self-contained file.
  'core.splitIndex': 'false',
  // Only the repository's own ignore rules (and its info/exclude, copied at the baseline).
  'core.excludesFile': '/dev/null',
  'core.attributesFile': '/dev/null',
  // Patch headers quote every unusual byte, which the patch parser reads back.
  'core.quotePath': 'true',
  // Diffs treat no text file as binary for its size alone.
  'core.bigFileThreshold': '512m',
  'advice.addEmbeddedRepo': 'false',
})

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/
const SYMLINK_MODE = '120000'
const GITLINK_MODE = '160000'
const SCAN_BLOCK_BYTES = 64 * 1024

interface Repository {
  workTree: string
  gitDir: string
  commonDir: string
  objectsDir: string
  objectFormat: string
}

/**
 * Snapshots the working tree of the repository at `repo` before the agent runs. The snapshot's
 * objects and index go to a new store under `tmpDir`; the repository is only read. The
 * repository's index is copied to seed the temporary one, so unchanged files are not hashed
 * again; its assume-unchanged and skip-worktree marks are cleared in the copy, so a file
 * behind one is compared like any other. The store keeps a packed copy of every file in the
 * tree (about the size of the repository's own pack); `tmpDir` is the caller's to remove.
 */
export async function snapshotWorktree(repo: string, tmpDir: string): Promise<Snapshot> {
  const repository = await locateRepository(repo)
  const store = await createStore(path.resolve(tmpDir), repository)
  const index = path.join(store, 'baseline.index')
  const seeded = await seedIndex(repository.gitDir, store, index)
  const work = workTreeOptions(store, repository.workTree, index)
  if (seeded) await clearIndexMarks(work)
  const tree = await writeTree(work)
  await copyObjects(store, tree)
  return {
    head: await readHead(repository.gitDir, repository.workTree),
    tree,
    ignored: await listIgnored(work),
    workTree: repository.workTree,
    gitDir: repository.gitDir,
    store,
    index,
  }
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
  try {
    const index = path.join(indexDir, 'index')
    await copyIndex(baseline.index, index)
    const work = workTreeOptions(baseline.store, baseline.workTree, index)
    const tree = await writeTree(work)
    const ignoredNow = await listIgnored(work)
    const head = await readHead(baseline.gitDir, baseline.workTree)
    const history = await agentCommits(baseline.gitDir, baseline.workTree, baseline.head, head)

    const store = storeOptions(baseline.store)
    const entries = parseDiffTreeZ(
      await runGit(
        ['diff-tree', '-r', '-z', '--raw', '--numstat', ...DIFF_FLAGS, baseline.tree, tree],
        store,
      ),
    )
    await readSymlinkTargets(store, entries)
    const files = entries.map((entry) => entry.file)

    const violations: Violation[] = [...protectedPathViolations(files, options.protectedPaths)]
    for (const file of files) {
      if (file.symlinkTarget === undefined) continue
      const escape = symlinkEscape(file.path, file.symlinkTarget, options.workspace)
      if (escape !== null) violations.push(escape)
    }
    if (options.scanAdded !== undefined) {
      violations.push(
        ...(await scanAddedLines(store, baseline.tree, tree, files, options.scanAdded)),
      )
    }

    const before = new Set(baseline.ignored)
    return {
      baseline: { head: baseline.head, tree: baseline.tree },
      final: { head, tree },
      commits: history.commits,
      historyRewritten: history.rewritten,
      files,
      ignored: ignoredNow.filter((p) => !before.has(p)),
      violations: dedupe(violations),
    }
  } finally {
    await rm(indexDir, { recursive: true, force: true })
  }
}

const DIFF_FLAGS = ['-M', '--no-ext-diff', '--no-textconv']

/** Finds the repository around `repo` (the one call that lets git discover it). */
async function locateRepository(repo: string): Promise<Repository> {
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
    ],
    { cwd: real, safeDirectories: [real] },
  )
  const [workTree, gitDir, commonDir, objectsDir, objectFormat, rest] = out
    .toString('utf8')
    .split('\n')
  if (
    workTree === undefined ||
    gitDir === undefined ||
    commonDir === undefined ||
    objectsDir === undefined ||
    objectFormat === undefined ||
    rest !== ''
  ) {
    throw new Error(`Unexpected answer from git rev-parse in ${real}.`)
  }
  return { workTree, gitDir, commonDir, objectsDir, objectFormat }
}

/** A new bare repository under `tmpDir` that borrows the repository's objects until copied. */
async function createStore(tmpDir: string, repository: Repository): Promise<string> {
  const store = await mkdtemp(path.join(tmpDir, 'airlock-snapshot-'))
  await runGit(
    [
      'init',
      '--quiet',
      '--bare',
      '--template=',
      `--object-format=${repository.objectFormat}`,
      store,
    ],
    { cwd: tmpDir },
  )
  await mkdir(path.join(store, 'info'), { recursive: true })
  await writeFile(path.join(store, 'info', 'attributes'), STORE_ATTRIBUTES)
  await copyIfPresent(
    path.join(repository.commonDir, 'info', 'exclude'),
    path.join(store, 'info', 'exclude'),
  )
  await mkdir(path.join(store, 'objects', 'info'), { recursive: true })
  await writeFile(path.join(store, 'objects', 'info', 'alternates'), `${repository.objectsDir}\n`)
  return store
}

/** Copies the repository's index (and any split-index part) to `index`; false if it has none. */
async function seedIndex(gitDir: string, store: string, index: string): Promise<boolean> {
  try {
    await copyIndex(path.join(gitDir, 'index'), index)
  } catch (error) {
    if (isNotFound(error)) return false
    throw error
  }
  for (const name of await readdir(gitDir)) {
    if (name.startsWith('sharedindex.'))
      await copyFile(path.join(gitDir, name), path.join(store, name))
  }
  return true
}

/**
 * Copies an index file, dated one second before the original. Git hashes again every entry
 * whose file changed no earlier than the index was written ("racily clean"); a copy with a
 * newer date would hide that race and let git trust a stale entry.
 */
async function copyIndex(from: string, to: string): Promise<void> {
  const { mtimeMs } = await stat(from)
  await copyFile(from, to)
  const seconds = Math.floor(mtimeMs / 1000) - 1
  await utimes(to, seconds, seconds)
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

/** Stages the whole working tree into the temporary index and writes it as a tree. */
async function writeTree(work: GitOptions): Promise<string> {
  await runGit(['add', '--all'], work)
  return readOid(await runGit(['write-tree'], work), 'write-tree')
}

/**
 * Copies every object of `tree` into the store, then stops borrowing from the repository, so
 * the comparison never reads the repository's (agent-writable) object database.
 */
async function copyObjects(store: string, tree: string): Promise<void> {
  await runGit(
    [
      'pack-objects',
      '--revs',
      '--quiet',
      '--window=0',
      path.join(store, 'objects', 'pack', 'pack'),
    ],
    {
      ...storeOptions(store),
      input: `${tree}\n`,
    },
  )
  await rm(path.join(store, 'objects', 'info', 'alternates'))
}

/** Untracked paths hidden by ignore rules, folded by folder, at most {@link MAX_IGNORED}. */
async function listIgnored(work: GitOptions): Promise<string[]> {
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

/** The commit HEAD points at, or `null` when there is none (unborn branch). */
async function readHead(gitDir: string, workTree: string): Promise<string | null> {
  const out = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    ...repositoryOptions(gitDir, workTree),
    okExitCodes: [0, 1],
  })
  return out.length === 0 ? null : readOid(out, 'rev-parse')
}

/**
 * The commits reachable from `head` and not from `base` (oldest first, at most
 * {@link MAX_COMMITS}), and whether `head` left `base`'s line of history (reset, rebase, amend,
 * another branch). Commits are read from the repository itself: they are reported, not trusted.
 */
async function agentCommits(
  gitDir: string,
  workTree: string,
  base: string | null,
  head: string | null,
): Promise<{ commits: AgentCommit[]; rewritten: boolean }> {
  if (head === base) return { commits: [], rewritten: false }
  if (head === null) return { commits: [], rewritten: true }
  const options = repositoryOptions(gitDir, workTree)
  let rewritten = false
  if (base !== null) {
    const code = await streamGit(
      ['merge-base', '--is-ancestor', base, head],
      { ...options, okExitCodes: [0, 1] },
      () => undefined,
    )
    rewritten = code !== 0
  }
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
  return { commits, rewritten }
}

/** Sets `symlinkTarget` on every symlink present after the change, read from the store. */
async function readSymlinkTargets(store: GitOptions, entries: DiffEntry[]): Promise<void> {
  const links = entries.filter(
    (e) => e.file.newMode === SYMLINK_MODE && e.file.status !== 'deleted',
  )
  if (links.length === 0) return
  const targets = new Map<string, string>()
  const parser = new CatFileBatchParser()
  const oids = [...new Set(links.map((e) => e.newOid))]
  await streamGit(
    ['cat-file', '--batch'],
    { ...store, input: oids.map((o) => `${o}\n`).join('') },
    (chunk) => {
      for (const object of parser.push(chunk)) {
        if (object.type !== 'blob')
          throw new Error(`Symlink object ${object.oid} is a ${object.type}.`)
        targets.set(object.oid, decodeBytes(object.content))
      }
      return undefined
    },
  )
  parser.end()
  for (const entry of links) {
    const target = targets.get(entry.newOid)
    if (target === undefined) throw new Error(`git did not return symlink object ${entry.newOid}.`)
    entry.file.symlinkTarget = target
  }
}

/**
 * Streams the patch between the two trees and hands its added lines to `scan`, in blocks of
 * consecutive lines. Holds one block and one patch line (bounded) in memory at a time.
 */
async function scanAddedLines(
  store: GitOptions,
  from: string,
  to: string,
  files: readonly ChangedFile[],
  scan: NonNullable<CollectOptions['scanAdded']>,
): Promise<Violation[]> {
  const skip = new Set(files.filter((f) => f.newMode === GITLINK_MODE).map((f) => f.path))
  const violations: Violation[] = []
  const blocks = new LineBlocks((file, text, firstLine) => {
    violations.push(...scan(file, text, firstLine))
  })
  const parser = new AddedLineParser()
  const take = (lines: AddedLine[]): void => {
    for (const line of lines) if (!skip.has(line.path)) blocks.add(line)
  }
  await streamGit(
    [
      'diff-tree',
      '-r',
      '-p',
      '-U0',
      '--no-color',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      ...DIFF_FLAGS,
      from,
      to,
    ],
    store,
    (chunk) => {
      take(parser.push(chunk))
      return undefined
    },
  )
  take(parser.end())
  blocks.end()
  return violations
}

/** Joins consecutive added lines of one file into blocks of about {@link SCAN_BLOCK_BYTES}. */
class LineBlocks {
  private path = ''
  private firstLine = 0
  private nextLine = 0
  private lines: string[] = []
  private length = 0

  constructor(private readonly flush: (path: string, text: string, firstLine: number) => void) {}

  add(line: AddedLine): void {
    const follows = line.path === this.path && line.line === this.nextLine
    if (!follows || this.length + line.text.length > SCAN_BLOCK_BYTES) this.end()
    if (this.lines.length === 0) {
      this.path = line.path
      this.firstLine = line.line
    }
    this.lines.push(line.text)
    this.length += line.text.length + 1
    this.nextLine = line.line + 1
  }

  end(): void {
    if (this.lines.length === 0) return
    this.flush(this.path, this.lines.join('\n'), this.firstLine)
    this.lines = []
    this.length = 0
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

/** Options for commands on the working tree through the store and a temporary index. */
function workTreeOptions(store: string, workTree: string, index: string): GitOptions {
  return {
    cwd: workTree,
    env: { GIT_DIR: store, GIT_WORK_TREE: workTree, GIT_INDEX_FILE: index },
    // Every file above 1 byte is "big": `add` streams new blobs into one pack instead of
    // writing a file per object (about twice as fast for 10,000 new files).
    config: { ...STORE_CONFIG, 'core.bigFileThreshold': '1' },
  }
}

/** Options for commands on the store alone: no work tree, so no `.gitattributes` is read. */
function storeOptions(store: string): GitOptions {
  return { cwd: store, env: { GIT_DIR: store }, config: STORE_CONFIG }
}

/** Options for the few commands that read the repository itself (HEAD, commits). */
function repositoryOptions(gitDir: string, workTree: string): GitOptions {
  return { cwd: workTree, env: { GIT_DIR: gitDir }, safeDirectories: [workTree, gitDir] }
}

function readOid(out: Buffer, command: string): string {
  const oid = out.toString('latin1').trim()
  if (!OID.test(oid)) throw new Error(`Unexpected object name from git ${command}.`)
  return oid
}

async function copyIfPresent(from: string, to: string): Promise<void> {
  try {
    await copyFile(from, to)
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT'
}

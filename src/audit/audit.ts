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
  readFile,
  realpath,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { isUtf8 } from 'node:buffer'
import path from 'node:path'
import {
  AddedLineParser,
  CatFileBatchParser,
  decodeBytes,
  indexMarks,
  isBinaryToGit,
  walkIndex,
  type IndexEntry,
  joinPatchSections,
  NulSplitter,
  RawPatchSplitter,
  splitNul,
  type AddedLine,
  type DiffEntry,
  type PatchSection,
} from './parse/index.js'
import { runGit, streamGit, type GitOptions } from '../git/git.js'
import { addedLines, countNewlines, newFileHeader, newFileHunkStart } from './new-file-patch.js'
import { PatchFile } from './patch.js'
import { protectedPathViolations, symlinkEscape } from './protected-paths.js'
import type { AgentCommit, AuditRecord, Violation } from '../types/stages.js'

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
  /**
   * Where to write the whole change as a patch (see `PatchFile`), from the same diff pass that
   * counts and scans the lines. Removed again if the audit fails.
   */
  patchFile?: string
}

/** Most ignored entries a snapshot keeps. */
export const MAX_IGNORED = 10_000
/** Most agent commits listed. */
export const MAX_COMMITS = 1_000

/** Size above which git diffs a file as binary (`core.bigFileThreshold` of the store's diffs). */
const BIG_FILE_THRESHOLD = 512 * 1024 * 1024

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
  'core.bigFileThreshold': `${BIG_FILE_THRESHOLD}`,
  // The store is temporary: fast zlib, not small packs (`add` of new files ~2.5× faster).
  'core.compression': '1',
  'advice.addEmbeddedRepo': 'false',
})

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/
const SYMLINK_MODE = '120000'
const GITLINK_MODE = '160000'
const REGULAR_MODES = new Set(['100644', '100755'])
const SCAN_BLOCK_BYTES = 64 * 1024
/**
 * New text files at least this large are streamed into the patch by the audit rather than
 * diffed by git (see `largeNewTextFiles`).
 */
const STREAMED_FILE_BYTES = 16 * 1024 * 1024
/** Largest index read to check its flags in-process; a larger one is checked by git. */
const MAX_INDEX_READ_BYTES = 64 * 1024 * 1024

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

const DIFF_FLAGS = ['-M', '--no-ext-diff', '--no-textconv']

/**
 * Finds the repository around `repo` (the one call that lets git discover it) and the commit
 * its HEAD points at, in one git process. {@link snapshotWorktree} calls it, unless given its
 * answer: the caller may start it earlier, beside other work, when nothing in between can move
 * HEAD or the repository.
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

/**
 * A new bare repository under `tmpDir` that borrows the repository's objects until copied.
 * Written directly, as `git init --bare --template=` would lay it out (one git process less).
 */
async function createStore(tmpDir: string, repository: Repository): Promise<string> {
  const store = await mkdtemp(path.join(tmpDir, 'airlock-snapshot-'))
  if (!/^(?:sha1|sha256)$/.test(repository.objectFormat)) {
    throw new Error(`Unsupported object format ${repository.objectFormat}.`)
  }
  const sha1 = repository.objectFormat === 'sha1'
  const config = [
    '[core]',
    `\trepositoryformatversion = ${sha1 ? 0 : 1}`,
    '\tfilemode = true',
    '\tbare = true',
    ...(sha1 ? [] : ['[extensions]', `\tobjectformat = ${repository.objectFormat}`]),
    '',
  ].join('\n')
  for (const dir of ['objects/pack', 'objects/info', 'refs/heads', 'refs/tags', 'info']) {
    await mkdir(path.join(store, dir), { recursive: true })
  }
  await writeFile(path.join(store, 'config'), config)
  await writeFile(path.join(store, 'HEAD'), 'ref: refs/heads/main\n')
  await writeFile(path.join(store, 'info', 'attributes'), STORE_ATTRIBUTES)
  await copyIfPresent(
    path.join(repository.commonDir, 'info', 'exclude'),
    path.join(store, 'info', 'exclude'),
  )
  await writeFile(path.join(store, 'objects', 'info', 'alternates'), `${repository.objectsDir}\n`)
  return store
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
async function copyIndex(from: string, to: string, content?: Buffer): Promise<void> {
  const { mtimeMs } = await stat(from)
  if (content === undefined) await copyFile(from, to)
  else await writeFile(to, content)
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

/** Writes the temporary index (the whole working tree, once `add --all` ran) as a tree. */
async function writeTreeOf(work: GitOptions): Promise<string> {
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
 * Where HEAD points now, the commits reachable from it and not from `base` (oldest first, at
 * most {@link MAX_COMMITS}), and whether it left `base`'s line of history (reset, rebase, amend,
 * another branch). Commits are read from the repository itself: they are reported, not trusted.
 */
async function headHistory(
  gitDir: string,
  workTree: string,
  base: string | null,
): Promise<{ head: string | null; commits: AgentCommit[]; rewritten: boolean }> {
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

/**
 * Reads from the store what the patch did not show: the target of every symlink present after
 * the change, and whether a file whose content did not change (a mode-only change, a rename
 * without edits) is binary, by git's own test. One `cat-file` process, only when needed.
 */
async function readBlobFacts(store: GitOptions, entries: DiffEntry[]): Promise<void> {
  const links = entries.filter(
    (e) => e.file.newMode === SYMLINK_MODE && e.file.status !== 'deleted',
  )
  const unseen = entries.filter(
    (e) =>
      !e.contentShown &&
      e.oldOid === e.newOid &&
      REGULAR_MODES.has(e.file.oldMode ?? '') &&
      REGULAR_MODES.has(e.file.newMode ?? ''),
  )
  if (links.length === 0 && unseen.length === 0) return
  const blobs = new Map<string, { size: number; content: Buffer }>()
  const parser = new CatFileBatchParser()
  const oids = [...new Set([...links, ...unseen].map((e) => e.newOid))]
  await streamGit(
    ['cat-file', '--batch'],
    { ...store, input: oids.map((o) => `${o}\n`).join('') },
    (chunk) => {
      for (const object of parser.push(chunk)) {
        if (object.type !== 'blob') throw new Error(`Object ${object.oid} is a ${object.type}.`)
        blobs.set(object.oid, { size: object.size, content: object.content })
      }
      return undefined
    },
  )
  parser.end()
  const blob = (oid: string): { size: number; content: Buffer } => {
    const found = blobs.get(oid)
    if (found === undefined) throw new Error(`git did not return object ${oid}.`)
    return found
  }
  for (const entry of links) entry.file.symlinkTarget = decodeBytes(blob(entry.newOid).content)
  for (const entry of unseen) {
    const { size, content } = blob(entry.newOid)
    if (!isBinaryToGit(size, content, BIG_FILE_THRESHOLD)) continue
    entry.file.binary = true
    entry.file.additions = null
    entry.file.deletions = null
  }
}

/**
 * The one diff pass from the baseline tree to the final index (`diff-index --cached -z --raw -p
 * --binary`, which prints what `diff-tree` prints for the tree that index writes), streamed: the
 * raw records list the changes; the patch gives their line counts, its added lines go to `scan`
 * in blocks of consecutive lines (submodules apart), and its bytes go to `patch` as they come.
 * Runs on the bare store (no work tree, so no `.gitattributes` is read). Holds the list of
 * changes, one block and one patch line (bounded) in memory at a time.
 */
async function diffIndex(
  store: GitOptions,
  index: string,
  from: string,
  scan: CollectOptions['scanAdded'],
  patch: PatchFile | null,
  streamed: readonly LargeNewFile[] = [],
): Promise<{ entries: DiffEntry[]; secrets: Violation[] }> {
  const secrets: Violation[] = []
  const blocks =
    scan === undefined
      ? null
      : new LineBlocks((file, text, firstLine) => {
          secrets.push(...scan(file, text, firstLine))
        })
  const splitter = new RawPatchSplitter()
  const parser = new AddedLineParser()
  const sections: PatchSection[] = []
  let skip: Set<string> | null = null
  const take = (lines: AddedLine[]): void => {
    sections.push(...parser.sections())
    if (blocks === null) return
    skip ??= new Set(
      splitter
        .rawEntries()
        .filter((e) => e.newMode === GITLINK_MODE)
        .map((e) => decodeBytes(e.path)),
    )
    for (const line of lines) if (!skip.has(line.path)) blocks.add(line)
  }
  await streamGit(
    [
      'diff-index',
      '--cached',
      '-z',
      '--raw',
      '--no-abbrev',
      '-p',
      '--binary',
      '--full-index',
      '--no-color',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      ...DIFF_FLAGS,
      from,
      ...(streamed.length === 0
        ? []
        : ['--', ...streamed.map((f) => `:(exclude,literal,top)${f.name}`)]),
    ],
    { ...store, env: { ...store.env, GIT_INDEX_FILE: index } },
    async (chunk) => {
      const part = splitter.push(chunk)
      if (part.length === 0) return undefined
      take(parser.push(part))
      await patch?.write(part)
      return undefined
    },
  )
  splitter.end()
  take(parser.end())
  blocks?.end()
  const entries = joinPatchSections(splitter.rawEntries(), sections)
  if (streamed.length === 0) return { entries, secrets }

  // The large new files git was told to leave out: their sections, after git's, built here.
  const bigParser = new AddedLineParser()
  const bigSections: PatchSection[] = []
  const zero = '0'.repeat(from.length)
  for (const file of streamed) {
    const lines = file.lines
    const head = Buffer.concat([
      newFileHeader(file.path, file.mode, file.oid, zero),
      newFileHunkStart(file.path, lines),
    ])
    const emit = async (bytes: Buffer): Promise<void> => {
      for (const line of bigParser.push(bytes)) blocks?.add(line)
      bigSections.push(...bigParser.sections())
      await patch?.write(bytes)
    }
    await emit(head)
    let atLineStart = true
    let seen = 0
    await streamGit(['cat-file', 'blob', file.oid], streamingOptions(store), async (chunk) => {
      seen += chunk.length
      await emit(addedLines(chunk, atLineStart, seen === file.size))
      atLineStart = chunk[chunk.length - 1] === 0x0a
      return undefined
    })
    if (seen !== file.size)
      throw new Error(`git returned ${seen} bytes of a ${file.size}-byte file.`)
  }
  for (const line of bigParser.end()) blocks?.add(line)
  bigSections.push(...bigParser.sections())
  blocks?.end()
  const bigEntries = joinPatchSections(
    streamed.map((f) => ({
      status: 'added' as const,
      path: f.path,
      oldMode: '000000',
      newMode: f.mode,
      oldOid: zero,
      newOid: f.oid,
    })),
    bigSections,
  )
  // One list in git's order: by the path's bytes.
  const byPath = (e: DiffEntry): Buffer => Buffer.from(e.file.path)
  return {
    entries: [...entries, ...bigEntries].sort((a, b) => Buffer.compare(byPath(a), byPath(b))),
    secrets,
  }
}

/** A new text file large enough to be streamed into the patch rather than diffed by git. */
interface LargeNewFile {
  /** Raw path, and the same as a string (the pathspec; only valid UTF-8 paths are streamed). */
  path: Buffer
  name: string
  mode: string
  oid: string
  size: number
  /** Lines, as git counts them. */
  lines: number
}

/**
 * The new text files (not in the baseline) of at least {@link STREAMED_FILE_BYTES} in the final
 * index, with their line counts, read from the store a piece at a time. Git's diff holds the
 * whole of both sides in memory, so a 200 MB new file took 300 MB in git; streamed, memory stays
 * at one piece. Files of {@link BIG_FILE_THRESHOLD} or more, binary files (a NUL in the first
 * 8,000 bytes), symlinks, names that are not UTF-8 and indexes this cannot read stay with git.
 */
async function largeNewTextFiles(
  store: GitOptions,
  index: string,
  baselineIndex: string,
  baselineTree: string,
): Promise<LargeNewFile[]> {
  const hashBytes = baselineTree.length / 2
  const candidates: IndexEntry[] = []
  const finalIndex = await readIndexIfSmall(index)
  if (finalIndex === null) return []
  const whole = walkIndex(
    finalIndex,
    hashBytes,
    (entry) => {
      if (REGULAR_MODES.has(entry.mode) && entry.size < BIG_FILE_THRESHOLD && isUtf8(entry.path)) {
        candidates.push(entry)
      }
      return undefined
    },
    STREAMED_FILE_BYTES,
  )
  if (!whole || candidates.length === 0) return []
  const before = new Set<string>()
  const baseline = await readIndexIfSmall(baselineIndex)
  if (baseline === null) return []
  if (!walkIndex(baseline, hashBytes, (entry) => void before.add(entry.path.toString('latin1')))) {
    return []
  }
  const files: LargeNewFile[] = []
  for (const entry of candidates) {
    if (before.has(entry.path.toString('latin1'))) continue
    const read = { lines: 0, last: 0x0a, seen: 0, binary: false }
    await streamGit(['cat-file', 'blob', entry.oid], streamingOptions(store), (chunk) => {
      if (read.seen < 8000 && chunk.subarray(0, 8000 - read.seen).includes(0)) read.binary = true
      read.seen += chunk.length
      // Binary, or larger than the index said (it keeps the size modulo 4 GiB): git's to diff.
      if (read.binary || read.seen > entry.size) return false
      read.lines += countNewlines(chunk)
      read.last = chunk[chunk.length - 1] ?? read.last
      return undefined
    })
    if (read.binary || read.seen > entry.size) continue
    if (read.seen !== entry.size) {
      throw new Error(`git returned ${read.seen} bytes of a ${entry.size}-byte file.`)
    }
    const name = entry.path.toString('utf8')
    files.push({
      path: entry.path,
      name,
      mode: entry.mode,
      oid: entry.oid,
      size: entry.size,
      lines: read.last === 0x0a ? read.lines : read.lines + 1,
    })
  }
  return files
}

/**
 * Options under which `cat-file blob` streams a blob rather than inflate it whole in memory: git
 * streams only objects above `core.bigFileThreshold`.
 */
function streamingOptions(store: GitOptions): GitOptions {
  return { ...store, config: { ...store.config, 'core.bigFileThreshold': '1' } }
}

/** An index file's bytes, or `null` when it is too large to read whole. */
async function readIndexIfSmall(file: string): Promise<Buffer | null> {
  const { size } = await stat(file)
  return size <= MAX_INDEX_READ_BYTES ? readFile(file) : null
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
    this.nextLine = line.line + line.lines
  }

  end(): void {
    if (this.lines.length === 0) return
    this.flush(this.path, this.lines.join('\n'), this.firstLine)
    this.lines = []
    this.length = 0
  }
}

/**
 * `Promise.all`, except that it waits for every promise to settle before failing, so no git
 * process is still running (and writing under the private folder) when the caller cleans up.
 */
async function settleAll<T extends readonly Promise<unknown>[]>(
  promises: readonly [...T],
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>
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

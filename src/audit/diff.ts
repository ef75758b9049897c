/**
 * The one diff pass from the baseline tree to the final index, on the private store: it lists
 * the changes, counts their lines, hands their added lines to the scanner and writes the patch
 * file, all from the same stream; then reads from the store what the patch did not show
 * (symlink targets; whether an unchanged blob is binary).
 */
import { streamGit, type GitOptions } from '../git/index.js'
import type { Violation } from '../types/stages.js'
import { streamNewFiles, type LargeNewFile } from './large-files.js'
import {
  AddedLineParser,
  CatFileBatchParser,
  decodeBytes,
  GITLINK_MODE,
  isBinaryToGit,
  joinPatchSections,
  RawPatchSplitter,
  REGULAR_MODES,
  SYMLINK_MODE,
  type AddedLine,
  type DiffEntry,
  type PatchSection,
} from './parse/index.js'
import type { PatchFile } from './patch.js'
import { BIG_FILE_THRESHOLD } from './store.js'

/**
 * Scans a run of consecutive added lines of one text file (`firstLine` is the new-side number of
 * the first) and returns what it found. See `CollectOptions.scanAdded`.
 */
export type AddedScanner = (path: string, text: string, firstLine: number) => Violation[]

const DIFF_FLAGS = ['-M', '--no-ext-diff', '--no-textconv']
const SCAN_BLOCK_BYTES = 64 * 1024

/**
 * The one diff pass from the baseline tree to the final index (`diff-index --cached -z --raw -p
 * --binary`, which prints what `diff-tree` prints for the tree that index writes), streamed: the
 * raw records list the changes; the patch gives their line counts, its added lines go to `scan`
 * in blocks of consecutive lines (submodules apart), and its bytes go to `patch` as they come.
 * Runs on the bare store (no work tree, so no `.gitattributes` is read). Holds the list of
 * changes, one block and one patch line (bounded) in memory at a time. The `streamed` files are
 * left out of git's diff and streamed from the store after it (see `large-files.ts`); the
 * changes come back in git's order all the same.
 */
export async function diffIndex(
  store: GitOptions,
  index: string,
  from: string,
  scan: AddedScanner | undefined,
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
  const entries = await gitDiff(store, index, from, streamed, blocks, patch)
  if (streamed.length === 0) return { entries, secrets }

  // The large new files git was told to leave out: their sections, after git's, built here.
  const zero = '0'.repeat(from.length)
  const onAdded = blocks === null ? null : (line: AddedLine): void => blocks.add(line)
  const bigSections = await streamNewFiles(store, streamed, zero, onAdded, patch)
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

/** Git's part of {@link diffIndex}: every change but the `streamed` files. */
async function gitDiff(
  store: GitOptions,
  index: string,
  from: string,
  streamed: readonly LargeNewFile[],
  blocks: LineBlocks | null,
  patch: PatchFile | null,
): Promise<DiffEntry[]> {
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
  return joinPatchSections(splitter.rawEntries(), sections)
}

/**
 * Reads from the store what the patch did not show: the target of every symlink present after
 * the change, and whether a file whose content did not change (a mode-only change, a rename
 * without edits) is binary, by git's own test. One `cat-file` process, only when needed.
 */
export async function readBlobFacts(store: GitOptions, entries: DiffEntry[]): Promise<void> {
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

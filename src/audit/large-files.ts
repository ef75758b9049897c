/**
 * Large new text files, streamed: git's diff holds the whole of both sides in memory, so a
 * 200 MB new file took 300 MB in git. New text files of at least {@link STREAMED_FILE_BYTES}
 * are left out of git's diff, read from the private store a piece at a time with `git cat-file`
 * (memory stays at one piece) and given the patch section git would have printed
 * (`new-file-patch.ts`), which the same parser reads, counts and scans.
 */
import { isUtf8 } from 'node:buffer'
import { streamGit, type GitOptions } from '../git/index.js'
import { addedLines, countNewlines, newFileHeader, newFileHunkStart } from './new-file-patch.js'
import {
  AddedLineParser,
  REGULAR_MODES,
  walkIndex,
  type AddedLine,
  type IndexEntry,
  type PatchSection,
} from './parse/index.js'
import type { PatchFile } from './patch.js'
import { readIndexIfSmall } from './snapshot.js'
import { BIG_FILE_THRESHOLD } from './store.js'

/**
 * New text files at least this large are streamed into the patch by the audit rather than
 * diffed by git (see {@link largeNewTextFiles}).
 */
const STREAMED_FILE_BYTES = 16 * 1024 * 1024

/** A new text file large enough to be streamed into the patch rather than diffed by git. */
export interface LargeNewFile {
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
 * index, with their line counts, read from the store a piece at a time. Files of
 * {@link BIG_FILE_THRESHOLD} or more, binary files (a NUL in the first 8,000 bytes), symlinks,
 * names that are not UTF-8 and indexes this cannot read stay with git.
 */
export async function largeNewTextFiles(
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
 * Streams each of `files` from the store as the patch section of a new file (`zero` is the
 * all-zeros object name of the repository's format): its bytes go to `patch` as they come, its
 * added lines to `onAdded`. Returns the sections, in the order of `files`. Fails when git
 * returns another size than the index said.
 */
export async function streamNewFiles(
  store: GitOptions,
  files: readonly LargeNewFile[],
  zero: string,
  onAdded: ((line: AddedLine) => void) | null,
  patch: PatchFile | null,
): Promise<PatchSection[]> {
  const parser = new AddedLineParser()
  const sections: PatchSection[] = []
  const emit = async (bytes: Buffer): Promise<void> => {
    for (const line of parser.push(bytes)) onAdded?.(line)
    sections.push(...parser.sections())
    await patch?.write(bytes)
  }
  for (const file of files) {
    await emit(
      Buffer.concat([
        newFileHeader(file.path, file.mode, file.oid, zero),
        newFileHunkStart(file.path, file.lines),
      ]),
    )
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
  for (const line of parser.end()) onAdded?.(line)
  sections.push(...parser.sections())
  return sections
}

/**
 * Options under which `cat-file blob` streams a blob rather than inflate it whole in memory: git
 * streams only objects above `core.bigFileThreshold`.
 */
function streamingOptions(store: GitOptions): GitOptions {
  return { ...store, config: { ...store.config, 'core.bigFileThreshold': '1' } }
}

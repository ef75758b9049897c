/**
 * The audit's reader of the files the agent created: each is read once from disk (never through
 * a symlink), hashed as git would store it, and written out as the patch section git would print
 * for it (see `new-file-patch.ts`). Git is spared storing every new file before diffing it, which
 * was most of the audit's cost on large changes; the bytes counted, scanned and written to the
 * patch are the bytes on disk, as before.
 *
 * Only what this reads exactly as git does is taken: regular files and symlinks. Anything else
 * (a nested repository, a FIFO or device, a binary file too large to deflate in memory, a file
 * git would treat as binary for its size alone) is reported back, and the caller lets git store
 * and diff the whole change instead.
 */
import { createHash } from 'node:crypto'
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs'
import { isBinaryToGit, type RawEntry } from './diff.js'
import {
  addedLines,
  countLines,
  countNewlines,
  newBinaryPatch,
  newFileHeader,
  newFileHunkStart,
} from './new-file-patch.js'

/** How the caller's repository names objects. */
export type ObjectFormat = 'sha1' | 'sha256'

/** Size above which git diffs a file as binary (the store's `core.bigFileThreshold`). */
export const BIG_FILE_THRESHOLD = 512 * 1024 * 1024
/** Largest file read into memory at once; a larger text file is read twice, a piece at a time. */
const WHOLE_FILE_BYTES = 8 * 1024 * 1024
/** Largest binary file patched here (its deflated copy is built in memory). */
const MAX_BINARY_BYTES = 64 * 1024 * 1024
const PIECE_BYTES = 1024 * 1024
/** How many bytes git looks at for a NUL to call a file binary. */
const SNIFF_BYTES = 8000

/** What {@link readNewFiles} found: the raw records of the new files, or why it cannot. */
export type NewFiles = { entries: RawEntry[] } | { unsupported: string }

/**
 * Reads each of `paths` (relative to `workTree`, as raw bytes, in git's order) and hands the
 * patch sections git would print for them to `emit`, in order and with backpressure. Returns
 * their raw records (`A`, with mode and blob name), or `unsupported` (and stops) at the first
 * path this does not read exactly as git does. Throws when a file cannot be read or changes
 * while it is read: the audit fails rather than report less.
 */
export async function readNewFiles(
  workTree: string,
  paths: readonly Buffer[],
  format: ObjectFormat,
  emit: (bytes: Buffer) => Promise<void>,
): Promise<NewFiles> {
  const zeroOid = '0'.repeat(format === 'sha1' ? 40 : 64)
  const root = Buffer.from(`${workTree}/`)
  const entries: RawEntry[] = []
  for (const rel of paths) {
    if (rel.length === 0 || rel[rel.length - 1] === 0x2f) {
      return { unsupported: 'a new folder git does not list file by file (a nested repository)' }
    }
    const full = Buffer.concat([root, rel])
    const entry = await readRegular(full, rel, format, zeroOid, emit)
    if (typeof entry === 'string') return { unsupported: entry }
    if (entry !== null) {
      entries.push(entry)
      continue
    }
    // Not opened because it is a symlink: git stores its target.
    const target = readlinkSync(full, { encoding: 'buffer' })
    const oid = blobName(format, [target], target.length)
    await emit(
      Buffer.concat([newFileHeader(rel, '120000', oid, zeroOid), ...textHunk(rel, target)]),
    )
    entries.push(added(rel, '120000', oid, zeroOid))
  }
  return { entries }
}

function added(path: Buffer, mode: string, oid: string, zeroOid: string): RawEntry {
  return { status: 'added', path, oldMode: '000000', newMode: mode, oldOid: zeroOid, newOid: oid }
}

/** Git's name for a blob of `size` bytes made of `pieces`. */
function blobName(format: ObjectFormat, pieces: readonly Buffer[], size: number): string {
  const hash = createHash(format).update(`blob ${size}\0`)
  for (const piece of pieces) hash.update(piece)
  return hash.digest('hex')
}

/** The hunk of a new text file held in memory (nothing for an empty file). */
function textHunk(rel: Buffer, content: Buffer): Buffer[] {
  const lines = countLines(content)
  if (lines === 0) return []
  return [newFileHunkStart(rel, lines), addedLines(content, true, true)]
}

/**
 * Reads a new regular file and emits its section; `null` when the path is a symlink (which is
 * never followed), a reason when it is a file this does not read as git does.
 */
async function readRegular(
  full: Buffer,
  rel: Buffer,
  format: ObjectFormat,
  zeroOid: string,
  emit: (bytes: Buffer) => Promise<void>,
): Promise<RawEntry | string | null> {
  let fd: number
  try {
    // Not through a symlink, and never blocking on a FIFO.
    fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return null
    throw error
  }
  try {
    const opened = fstatSync(fd)
    if (!opened.isFile()) return 'a new special file (FIFO, socket or device)'
    const mode = (opened.mode & 0o100) !== 0 ? '100755' : '100644'
    const size = opened.size
    if (size > BIG_FILE_THRESHOLD) return 'a new file git would diff as binary for its size'
    if (size <= WHOLE_FILE_BYTES) {
      const content = readWhole(fd, size, rel)
      const binary = isBinaryToGit(size, content, BIG_FILE_THRESHOLD)
      const oid = blobName(format, [content], size)
      // One piece per file: its header and its content.
      const header = newFileHeader(rel, mode, oid, zeroOid)
      const body = binary ? [newBinaryPatch(content)] : textHunk(rel, content)
      await emit(body.length === 0 ? header : Buffer.concat([header, ...body]))
      return added(rel, mode, oid, zeroOid)
    }
    const head = readExactly(fd, 0, SNIFF_BYTES, rel)
    if (isBinaryToGit(size, head, BIG_FILE_THRESHOLD)) {
      if (size > MAX_BINARY_BYTES) return 'a new binary file over 64 MiB'
      const content = readWhole(fd, size, rel)
      const oid = blobName(format, [content], size)
      await emit(Buffer.concat([newFileHeader(rel, mode, oid, zeroOid), newBinaryPatch(content)]))
      return added(rel, mode, oid, zeroOid)
    }
    // A large text file: one pass for its name and line count, one to write its lines, with the
    // file's size and times unchanged from the first to the end of the second.
    const hash = createHash(format).update(`blob ${size}\0`)
    let lines = 0
    let lastByte = 0x0a
    for (let at = 0; at < size; at += PIECE_BYTES) {
      const piece = readExactly(fd, at, Math.min(PIECE_BYTES, size - at), rel)
      hash.update(piece)
      lines += countNewlines(piece)
      lastByte = piece[piece.length - 1] ?? lastByte
    }
    if (lastByte !== 0x0a) lines += 1
    const oid = hash.digest('hex')
    await emit(
      Buffer.concat([newFileHeader(rel, mode, oid, zeroOid), newFileHunkStart(rel, lines)]),
    )
    let atLineStart = true
    for (let at = 0; at < size; at += PIECE_BYTES) {
      const piece = readExactly(fd, at, Math.min(PIECE_BYTES, size - at), rel)
      await emit(addedLines(piece, atLineStart, at + piece.length >= size))
      atLineStart = piece[piece.length - 1] === 0x0a
    }
    const after = fstatSync(fd)
    if (
      after.size !== size ||
      after.mtimeMs !== opened.mtimeMs ||
      after.ctimeMs !== opened.ctimeMs
    ) {
      throw changed(rel)
    }
    return added(rel, mode, oid, zeroOid)
  } finally {
    closeSync(fd)
  }
}

/**
 * Reads a whole file of `size` bytes: one read of a byte more than that, which comes back short
 * at the end of the file; any other count means the file changed size.
 */
function readWhole(fd: number, size: number, rel: Buffer): Buffer {
  const buffer = Buffer.allocUnsafe(size + 1)
  let done = 0
  for (;;) {
    const n = readSync(fd, buffer, done, buffer.length - done, done)
    if (n === 0) break
    done += n
    if (done > size) throw changed(rel)
  }
  if (done !== size) throw changed(rel)
  return buffer.subarray(0, size)
}

/** Reads `length` bytes at `position`; a short read means the file shrank while being read. */
function readExactly(fd: number, position: number, length: number, rel: Buffer): Buffer {
  const buffer = Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done)
    if (n === 0) throw changed(rel)
    done += n
  }
  return buffer
}

function changed(rel: Buffer): Error {
  return new Error(
    `The new file ${JSON.stringify(rel.toString('utf8'))} changed while the audit read it; nothing may run in the workspace once the agent has stopped.`,
  )
}

/**
 * The raw records of `git diff-tree`/`diff-index -r -z --raw` (one per changed path: both modes,
 * both object names, the status), and the splitter that separates them from the patch that
 * follows with `-p`. Pure: bytes in, records out; the raw records are kept (one per changed
 * file), the patch is handed on, never kept.
 */
import type { ChangedFile } from '../../types/stages.js'
import { NUL, OID_PATTERN } from './bytes.js'

const RAW_HEADER = new RegExp(
  `^:([0-7]{6}) ([0-7]{6}) (${OID_PATTERN}) (${OID_PATTERN}) ([A-Z])[0-9]*$`,
)
/** The mode of a side of a change that does not exist. */
export const ABSENT_MODE = '000000'
/** The mode of a symbolic link. */
export const SYMLINK_MODE = '120000'
/** The mode of a submodule (a commit recorded in the tree). */
export const GITLINK_MODE = '160000'
/** The modes of a regular file, plain or executable. */
export const REGULAR_MODES: ReadonlySet<string> = new Set(['100644', '100755'])
const EMPTY = Buffer.alloc(0)

/** One record of `git diff-tree -r -z --raw`: a changed path and both sides of the change. */
export interface RawEntry {
  status: ChangedFile['status']
  /** The path on the new side (the target of a rename), as raw bytes. */
  path: Buffer
  /** The source of a rename, as raw bytes. */
  oldPath?: Buffer
  /** Octal modes; `000000` for a side that does not exist. */
  oldMode: string
  newMode: string
  /** Object names; all zeros for a side that does not exist. */
  oldOid: string
  newOid: string
}

const STATUS: Readonly<Record<string, ChangedFile['status']>> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  T: 'type-changed',
}

/**
 * Parses the NUL-separated fields of `git diff-tree -r -z --raw [-M]`, in git's order.
 * Understands additions, modifications (mode-only ones included), deletions, renames
 * (`R<score>`) and type changes (`T`). Throws on anything else (copies, unmerged entries) and on
 * output cut short.
 */
export function parseRawZ(fields: readonly Buffer[]): RawEntry[] {
  const entries: RawEntry[] = []
  let at = 0
  const next = (what: string): Buffer => {
    const field = fields[at]
    if (field === undefined) throw new Error(`Truncated diff-tree output: expected ${what}.`)
    at += 1
    return field
  }
  while (at < fields.length) {
    const head = next('a record')
    const match = RAW_HEADER.exec(head.toString('latin1'))
    if (match === null) {
      throw new Error(`Unexpected diff-tree record ${JSON.stringify(head.toString('latin1'))}.`)
    }
    const [, oldMode = '', newMode = '', oldOid = '', newOid = '', code = ''] = match
    const status = STATUS[code]
    if (status === undefined) throw new Error(`Unexpected diff-tree status ${code}.`)
    const sides = { status, oldMode, newMode, oldOid, newOid }
    if (code === 'R') {
      const oldPath = next('the source path of a rename')
      entries.push({ ...sides, oldPath, path: next('the target path of a rename') })
    } else {
      entries.push({ ...sides, path: next('a path') })
    }
  }
  return entries
}

/**
 * Splits the output of `git diff-tree -r -z --raw -p` fed in chunks of any size: first the raw
 * records (NUL-separated fields, kept), then an empty field, then the patch (handed back as it
 * comes, never kept). An output without changes is empty.
 */
export class RawPatchSplitter {
  private readonly fields: Buffer[] = []
  private pending: Buffer[] = []
  private pendingBytes = 0
  private inPatch = false
  private parsed: RawEntry[] | null = null

  /** @param maxFieldBytes the longest raw field accepted, in bytes. */
  constructor(private readonly maxFieldBytes = 1 << 20) {}

  /** Whether the raw part is over and the patch has begun. */
  get patchStarted(): boolean {
    return this.inPatch
  }

  /** Feeds the next chunk; returns the part of it that belongs to the patch (maybe empty). */
  push(chunk: Buffer): Buffer {
    if (this.inPatch) return chunk
    let start = 0
    for (;;) {
      const end = chunk.indexOf(NUL, start)
      if (end === -1) {
        this.hold(chunk.subarray(start))
        return EMPTY
      }
      this.hold(chunk.subarray(start, end))
      const field = Buffer.concat(this.pending, this.pendingBytes)
      this.pending = []
      this.pendingBytes = 0
      start = end + 1
      this.parsed = null
      if (field.length === 0) {
        this.inPatch = true
        return chunk.subarray(start)
      }
      this.fields.push(field)
    }
  }

  /** The raw records, parsed; complete once the patch has begun or the output ended. */
  rawEntries(): RawEntry[] {
    this.parsed ??= parseRawZ(this.fields)
    return this.parsed
  }

  /** Ends the output; throws if it stopped inside a raw field. */
  end(): void {
    if (this.pendingBytes > 0) throw new Error('Truncated diff-tree output inside a record.')
  }

  private hold(part: Buffer): void {
    if (part.length === 0) return
    this.pendingBytes += part.length
    if (this.pendingBytes > this.maxFieldBytes) {
      throw new Error(`A diff-tree field is longer than ${this.maxFieldBytes} bytes.`)
    }
    this.pending.push(part)
  }
}

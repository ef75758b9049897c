/**
 * The output of `git cat-file --batch`, read as a stream: each object's name, type, size and
 * content, cut to a bound. Pure: bytes in, objects out.
 */
import { LF, OID_PATTERN } from './bytes.js'

/** One object read from `git cat-file --batch`. */
export interface BatchObject {
  oid: string
  /** The object type, or `missing` when git does not have it. */
  type: string
  size: number
  /** The content, cut to `maxContentBytes`. */
  content: Buffer
  truncated: boolean
}

/**
 * Incremental parser for `git cat-file --batch` output (`<oid> <type> <size>\n<content>\n` or
 * `<oid> missing\n`). Keeps at most `maxContentBytes` of any object; the rest is skipped.
 */
export class CatFileBatchParser {
  private header: Buffer[] = []
  private headerBytes = 0
  private current: {
    oid: string
    type: string
    size: number
    kept: Buffer[]
    keptBytes: number
  } | null = null
  /** Bytes of the current object (content plus its trailing newline) still to read. */
  private left = 0

  /** @param maxContentBytes how much of each object to keep. */
  constructor(private readonly maxContentBytes = 64 * 1024) {}

  /** Feeds the next chunk; returns the objects it completed. */
  push(chunk: Buffer): BatchObject[] {
    const done: BatchObject[] = []
    let i = 0
    while (i < chunk.length) {
      if (this.current === null) {
        const nl = chunk.indexOf(LF, i)
        const end = nl === -1 ? chunk.length : nl
        this.headerBytes += end - i
        if (this.headerBytes > 1024) throw new Error('Unexpected cat-file --batch output.')
        this.header.push(chunk.subarray(i, end))
        i = end
        if (nl === -1) break
        i += 1
        const missing = this.startObject(Buffer.concat(this.header).toString('latin1'))
        this.header = []
        this.headerBytes = 0
        if (missing !== null) done.push(missing)
        continue
      }
      const take = Math.min(this.left, chunk.length - i)
      const part = chunk.subarray(i, i + take)
      const room = this.maxContentBytes - this.current.keptBytes
      const contentPart = part.subarray(0, Math.max(0, Math.min(room, this.left - 1)))
      if (contentPart.length > 0) {
        this.current.kept.push(contentPart)
        this.current.keptBytes += contentPart.length
      }
      this.left -= take
      i += take
      if (this.left === 0) {
        const { oid, type, size, kept, keptBytes } = this.current
        done.push({
          oid,
          type,
          size,
          content: Buffer.concat(kept, keptBytes),
          truncated: keptBytes < size,
        })
        this.current = null
      }
    }
    return done
  }

  /** Ends the stream; throws if it stopped in the middle of an object. */
  end(): void {
    if (this.current !== null || this.headerBytes > 0)
      throw new Error('cat-file --batch output ended early.')
  }

  private startObject(header: string): BatchObject | null {
    const missing = new RegExp(`^(${OID_PATTERN}) missing$`).exec(header)
    if (missing !== null) {
      return {
        oid: missing[1] ?? '',
        type: 'missing',
        size: 0,
        content: Buffer.alloc(0),
        truncated: false,
      }
    }
    const match = new RegExp(`^(${OID_PATTERN}) ([a-z]+) ([0-9]+)$`).exec(header)
    if (match === null)
      throw new Error(`Unexpected cat-file --batch header ${JSON.stringify(header)}.`)
    const size = Number(match[3])
    this.current = { oid: match[1] ?? '', type: match[2] ?? '', size, kept: [], keptBytes: 0 }
    this.left = size + 1
    return null
  }
}

/**
 * NUL-separated lists (`git … -z`): split whole, or fed in chunks of any size with at most one
 * bounded field in memory. Pure: bytes in, fields out.
 */
import { NUL } from './bytes.js'

/** Splits a complete NUL-terminated list into its fields (a missing final NUL is tolerated). */
export function splitNul(buf: Buffer): Buffer[] {
  const fields: Buffer[] = []
  let start = 0
  while (start < buf.length) {
    let end = buf.indexOf(NUL, start)
    if (end === -1) end = buf.length
    fields.push(buf.subarray(start, end))
    start = end + 1
  }
  return fields
}

/**
 * Splits a NUL-separated stream fed in chunks of any size into fields. Holds at most one field
 * in memory and fails on a field longer than `maxFieldBytes`.
 */
export class NulSplitter {
  private pending: Buffer[] = []
  private pendingBytes = 0

  /** @param maxFieldBytes the longest field accepted, in bytes. */
  constructor(private readonly maxFieldBytes = 1 << 20) {}

  /** Feeds the next chunk; returns the fields it completed. */
  push(chunk: Buffer): Buffer[] {
    const fields: Buffer[] = []
    let start = 0
    for (;;) {
      const end = chunk.indexOf(NUL, start)
      if (end === -1) {
        this.hold(chunk.subarray(start))
        return fields
      }
      this.hold(chunk.subarray(start, end))
      fields.push(Buffer.concat(this.pending, this.pendingBytes))
      this.pending = []
      this.pendingBytes = 0
      start = end + 1
    }
  }

  /** Ends the stream; returns the last field if it was not NUL-terminated. */
  end(): Buffer[] {
    if (this.pendingBytes === 0) return []
    const last = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    return [last]
  }

  private hold(part: Buffer): void {
    if (part.length === 0) return
    this.pendingBytes += part.length
    if (this.pendingBytes > this.maxFieldBytes) {
      throw new Error(`A NUL-separated field is longer than ${this.maxFieldBytes} bytes.`)
    }
    this.pending.push(part)
  }
}

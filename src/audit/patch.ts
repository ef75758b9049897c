/**
 * The `patch-file` output's file: written as the audit's diff pass streams it, with
 * backpressure, and removed when the audit fails. I/O: one file.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { rm } from 'node:fs/promises'

/**
 * The file behind the `patch-file` output: the agent's whole change (baseline tree → final tree)
 * as a binary-safe patch that `git apply` takes in a fresh clone, renames, deletions, modes,
 * symlinks and binary files included (`--binary --full-index`). The audit writes it from its one
 * diff pass over the private store (see `collectChanges`), so nothing the agent planted in the
 * repository (diff drivers, textconv) runs, and the bytes are those the audit counted and
 * scanned. Written with backpressure: memory stays bounded whatever the size of the patch.
 */
export class PatchFile {
  private constructor(
    private readonly file: string,
    private readonly out: WriteStream,
  ) {}

  /** Creates (or empties) `file`, readable by later steps (mode 0644). */
  static async open(file: string): Promise<PatchFile> {
    const out = createWriteStream(file, { mode: 0o644, highWaterMark: 1024 * 1024 })
    await once(out, 'open')
    return new PatchFile(file, out)
  }

  /** Appends the next piece of the patch; resolves once the stream can take more. */
  async write(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await once(this.out, 'drain')
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.out.closed) return
    this.out.end()
    await once(this.out, 'close')
  }

  /** Closes and removes the file: a patch cut short is no patch. */
  async discard(): Promise<void> {
    this.out.destroy()
    if (!this.out.closed) await once(this.out, 'close')
    await rm(this.file, { force: true })
  }
}

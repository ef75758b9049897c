/**
 * A tiny tar writer, so each test builds exactly the archive it needs, and the CLI's native
 * package as the registry serves it (a gzipped tar whose `package/claude` prints a version).
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'

/** One entry of a test archive. */
export interface Entry {
  name: string
  body?: string | Buffer
  /** Tar type flag: '0' file, '2' symlink, '1' hard link, '5' folder, 'x' pax … */
  type?: string
  link?: string
  mode?: number
}

/** A ustar header block with a correct checksum. */
export function header(name: string, size: number, type: string, link = '', mode = 0o755): Buffer {
  const block = Buffer.alloc(512)
  block.write(name, 0, 100, 'utf8')
  block.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'latin1')
  block.write('0000000\0', 108, 'latin1')
  block.write('0000000\0', 116, 'latin1')
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1')
  block.write('00000000000\0', 136, 'latin1')
  block.write(type, 156, 'latin1')
  block.write(link, 157, 100, 'utf8')
  block.write('ustar\0', 257, 'latin1')
  block.write('00', 263, 'latin1')
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return block
}

/** A tar archive of `entries`, with the two zero blocks that end it unless `end` is false. */
export function tar(entries: Entry[], { end = true } = {}): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '')
    parts.push(header(entry.name, body.length, entry.type ?? '0', entry.link, entry.mode))
    parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  if (end) parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

/** A pax extended header entry holding `records`. */
export function pax(records: Record<string, string>): Entry {
  let body = ''
  for (const [key, value] of Object.entries(records)) {
    const record = ` ${key}=${value}\n`
    let length = record.length + 1
    while (`${length}${record}`.length !== length) length++
    body += `${length}${record}`
  }
  return { name: 'PaxHeader', type: 'x', body }
}

/** The body of a fake `claude` that reports `version`. */
export const script = (version: string): string => `#!/bin/sh\necho "${version} (Claude Code)"\n`

/** The native package tarball: `entries`, or a package.json, `package/claude` and a README. */
export function packageTgz(entries?: Entry[], version = '2.1.197'): Buffer {
  return gzipSync(
    tar(
      entries ?? [
        { name: 'package/package.json', body: '{"name":"@anthropic-ai/claude-code-linux-x64"}' },
        { name: 'package/claude', body: script(version) },
        { name: 'package/README.md', body: 'readme' },
      ],
    ),
  )
}

/** The SRI sha512 integrity of `bytes`. */
export function integrity(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`
}

/** `buffer` as an async stream of `size`-byte chunks. */
export async function* chunks(buffer: Buffer, size = 100): AsyncIterable<Buffer> {
  for (let at = 0; at < buffer.length; at += size) {
    await Promise.resolve()
    yield buffer.subarray(at, at + size)
  }
}

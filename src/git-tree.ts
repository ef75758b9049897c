/**
 * Git tree names computed without git: the audit names the final tree from the baseline's
 * listing and the change it found, so it need not store the new blobs and trees first. Pure:
 * bytes in, names out. The format (`tree <size>\0` then `<mode> <name>\0<binary name>` per entry,
 * ordered with a folder's name read as if it ended in `/`) is git's object format, tested
 * against `git write-tree`.
 */
import { createHash } from 'node:crypto'

/** One file of a tree, at any depth: what `git ls-tree -r` lists. */
export interface TreeFile {
  /** Octal mode: `100644`, `100755`, `120000` or `160000`. */
  mode: string
  /** The object's full name (hex). */
  oid: string
}

/**
 * Reads `git ls-tree -r -z --full-tree` output (`<mode> <type> <oid>\t<path>\0` per file) into
 * a map from each path (its raw bytes as a latin1 string, so any byte sequence keys exactly)
 * to its mode and name. Throws on a record it cannot read.
 */
export function parseLsTree(output: Buffer): Map<string, TreeFile> {
  const files = new Map<string, TreeFile>()
  let start = 0
  while (start < output.length) {
    let end = output.indexOf(0, start)
    if (end === -1) end = output.length
    const record = output.subarray(start, end)
    const tab = record.indexOf(0x09)
    const head = /^([0-7]{6}) (?:blob|commit) ([0-9a-f]{40}|[0-9a-f]{64})$/.exec(
      record.toString('latin1', 0, Math.max(0, tab)),
    )
    if (tab === -1 || head === null) throw new Error('Unexpected git ls-tree output.')
    files.set(record.toString('latin1', tab + 1), { mode: head[1] ?? '', oid: head[2] ?? '' })
    start = end + 1
  }
  return files
}

interface Folder {
  files: Map<string, TreeFile>
  folders: Map<string, Folder>
}

/**
 * The name git gives the tree holding `files` (keyed by latin1 path strings, as
 * {@link parseLsTree} gives them), with `hash` `sha1` or `sha256`.
 */
export function treeName(files: ReadonlyMap<string, TreeFile>, hash: 'sha1' | 'sha256'): string {
  const root: Folder = { files: new Map(), folders: new Map() }
  for (const [path, file] of files) {
    const parts = path.split('/')
    const name = parts.pop() ?? ''
    let folder = root
    for (const part of parts) {
      let next = folder.folders.get(part)
      if (next === undefined) {
        next = { files: new Map(), folders: new Map() }
        folder.folders.set(part, next)
      }
      folder = next
    }
    folder.files.set(name, file)
  }
  return writeFolder(root, hash)
}

function writeFolder(folder: Folder, hash: 'sha1' | 'sha256'): string {
  const entries: { key: Buffer; mode: string; name: Buffer; oid: string }[] = []
  for (const [name, file] of folder.files) {
    const bytes = Buffer.from(name, 'latin1')
    entries.push({ key: bytes, mode: file.mode, name: bytes, oid: file.oid })
  }
  for (const [name, sub] of folder.folders) {
    const bytes = Buffer.from(name, 'latin1')
    // Git orders a folder as if its name ended in "/".
    const key = Buffer.concat([bytes, Buffer.from('/')])
    entries.push({ key, mode: '40000', name: bytes, oid: writeFolder(sub, hash) })
  }
  entries.sort((a, b) => Buffer.compare(a.key, b.key))
  const body = Buffer.concat(
    entries.flatMap((e) => [
      Buffer.from(`${e.mode} `, 'latin1'),
      e.name,
      Buffer.from([0]),
      Buffer.from(e.oid, 'hex'),
    ]),
  )
  return createHash(hash).update(`tree ${body.length}\0`).update(body).digest('hex')
}

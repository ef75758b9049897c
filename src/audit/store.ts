/**
 * The private store: a bare repository under the action's private folder (`tmpDir`) that holds
 * every object the audit compares, with our own config. Commands run through it with the
 * repository's folder as work tree and a temporary index, so:
 * - the store's config, attributes and hooks are ours, so nothing the agent planted in
 *   `.git/config`, `.git/info/attributes` or `.git/hooks` is read, let alone run;
 * - the store's attributes switch off every content conversion (filters, `ident`, line endings,
 *   encodings), so a snapshot holds the bytes on disk and a planted `.gitattributes` can
 *   neither run a filter nor rewrite content on its way in;
 * - once the baseline's objects are copied in, every object the comparison reads lives in the
 *   store, not in the repository's object database, which the agent could write to (a forged
 *   loose object under the name of a baseline blob would otherwise change what "before" means).
 *
 * `tmpDir` must be a folder the agent cannot write to: the store is only as trustworthy as it.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runGit, type GitOptions } from '../git/index.js'
import type { Repository } from './repository.js'

/** Size above which git diffs a file as binary (`core.bigFileThreshold` of the store's diffs). */
export const BIG_FILE_THRESHOLD = 512 * 1024 * 1024

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

/**
 * A new bare repository under `tmpDir` that borrows the repository's objects until copied.
 * Written directly, as `git init --bare --template=` would lay it out (one git process less).
 */
export async function createStore(tmpDir: string, repository: Repository): Promise<string> {
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
 * Copies every object of `tree` into the store, then stops borrowing from the repository, so
 * the comparison never reads the repository's (agent-writable) object database.
 */
export async function copyObjects(store: string, tree: string): Promise<void> {
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

/** Options for commands on the working tree through the store and a temporary index. */
export function workTreeOptions(store: string, workTree: string, index: string): GitOptions {
  return {
    cwd: workTree,
    env: { GIT_DIR: store, GIT_WORK_TREE: workTree, GIT_INDEX_FILE: index },
    // Every file above 1 byte is "big": `add` streams new blobs into one pack instead of
    // writing a file per object (about twice as fast for 10,000 new files).
    config: { ...STORE_CONFIG, 'core.bigFileThreshold': '1' },
  }
}

/** Options for commands on the store alone: no work tree, so no `.gitattributes` is read. */
export function storeOptions(store: string): GitOptions {
  return { cwd: store, env: { GIT_DIR: store }, config: STORE_CONFIG }
}

async function copyIfPresent(from: string, to: string): Promise<void> {
  try {
    await copyFile(from, to)
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
}

/** Whether `error` says a file does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT'
}

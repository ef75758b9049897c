/**
 * Reads and edits one git config file, through the action's hardened git runner (`src/git`): run
 * outside any repository (in the file system's root), with no system or global config, the runner
 * user's home as `HOME`, a 16 MiB output limit and a 30-second time limit. A file whose bytes
 * cannot hold a credential is not given to git at all.
 */
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { runGit } from '../../git/index.js'
import { isFile } from './files.js'
import { mayHoldCredential } from './shapes.js'

/** Which git to run, and for whom. */
export interface ConfigGit {
  /** The git program (`git` on `PATH`, or a path). */
  readonly executable: string
  /** The runner user's home (real path), given to git as `HOME`. */
  readonly home: string
}

/** One `key=value` of a config file; `value` is `null` for a bare boolean (`[x] flag`). */
export interface ConfigEntry {
  key: string
  value: string | null
}

/** One change to a config file, made by key with `git config --file`. */
export type Edit =
  | { kind: 'unset'; key: string }
  | { kind: 'unset-value'; key: string; value: string }
  | { kind: 'rewrite'; key: string; values: string[] }

/** `git config --unset-all` exits 5 when there was nothing to unset: already gone is fine. */
const UNSET_OK = [0, 5] as const
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024
const TIMEOUT_MS = 30_000

/** Runs git on a config file; `okExitCodes` are exit codes that count as success. */
async function run(
  git: ConfigGit,
  args: string[],
  okExitCodes: readonly number[] = [0],
): Promise<string> {
  const out = await runGit(args, {
    executable: git.executable,
    cwd: path.parse(process.cwd()).root,
    env: { HOME: git.home },
    okExitCodes,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    timeoutMs: TIMEOUT_MS,
  })
  return out.toString('utf8')
}

/**
 * The entries of one file, includes not followed; `null` when there is no such file. A file
 * whose bytes {@link mayHoldCredential} clears is not given to git (one process less): its
 * entries hold no credential, so it counts as having none. A file that cannot be read is given
 * to git, whose error then fails the run.
 */
export async function listEntries(git: ConfigGit, file: string): Promise<ConfigEntry[] | null> {
  if (!(await isFile(file))) return null
  let text: string | null = null
  try {
    text = (await fs.readFile(file)).toString('latin1')
  } catch {
    // git reports why
  }
  if (text !== null && !mayHoldCredential(text)) return []
  const out = await run(git, ['config', '--file', file, '--list', '-z'])
  return out
    .split('\0')
    .filter((record) => record.length > 0)
    .map((record) => {
      const newline = record.indexOf('\n')
      return newline < 0
        ? { key: record, value: null }
        : { key: record.slice(0, newline), value: record.slice(newline + 1) }
    })
}

/** Makes one edit to `file`; unsetting what is already gone is not an error. */
export async function applyEdit(git: ConfigGit, file: string, edit: Edit): Promise<void> {
  const base = ['config', '--file', file]
  switch (edit.kind) {
    case 'unset':
      await run(git, [...base, '--unset-all', edit.key], UNSET_OK)
      return
    case 'unset-value':
      await run(git, [...base, '--fixed-value', '--unset-all', edit.key, edit.value], UNSET_OK)
      return
    case 'rewrite':
      await run(git, [...base, '--unset-all', edit.key], UNSET_OK)
      for (const value of edit.values) await run(git, [...base, '--add', edit.key, value])
      return
  }
}

/**
 * Which git config files exist for a repository and the runner user, and where credentials sit
 * beside them. Looked at: the repository's `.git/config` and `config.worktree`, every
 * `.git/modules/**` config (submodules), linked worktrees, nested checkouts up to three directories
 * below the repository, `~/.gitconfig` and `~/.config/git/config`; the default credential stores
 * (`~/.git-credentials`, `~/.config/git/credentials`); actions/checkout v6's credentials files in
 * `RUNNER_TEMP`; and where an include (`include.path`, `includeIf.<condition>.path`) points. Not
 * looked at: the system config (`/etc/gitconfig`). Reads directories and `.git` files; changes
 * nothing.
 */
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { isFile, realOrResolved } from './files.js'

/** actions/checkout v6's credentials file name (its own cleanup matches the same pattern). */
export const CHECKOUT_CREDENTIALS_FILE = /^git-credentials-[0-9a-f-]+\.config$/i

/** Nested repositories (other checkouts with `path:`) are looked for this deep below the repo. */
const NESTED_REPO_DEPTH = 3
/** How deep below `.git/modules` submodule configs are looked for (submodules of submodules). */
const MAX_MODULES_DEPTH = 12
/** Folders of a git directory that hold no submodule. */
const GIT_DIR_SKIP = new Set(['objects', 'refs', 'logs', 'hooks', 'info', 'lfs', 'worktrees'])

/**
 * Adds the git directory of a `.git` entry (a directory, or a file saying `gitdir: <path>`) to
 * `gitDirs`, with its common directory when it is a linked worktree's.
 */
async function addGitDir(dotGit: string, gitDirs: Set<string>): Promise<void> {
  let stat
  try {
    stat = await fs.lstat(dotGit)
  } catch {
    return
  }
  let dir: string | undefined
  if (stat.isDirectory()) {
    dir = await fs.realpath(dotGit)
  } else if (stat.isFile()) {
    const text = (await fs.readFile(dotGit, 'utf8')).slice(0, 4096)
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(text)
    if (match?.[1] !== undefined) {
      dir = await realOrResolved(path.resolve(path.dirname(dotGit), match[1]))
    }
  }
  if (dir === undefined || gitDirs.has(dir)) return
  gitDirs.add(dir)
  try {
    const common = (await fs.readFile(path.join(dir, 'commondir'), 'utf8')).trim()
    if (common.length > 0) gitDirs.add(await realOrResolved(path.resolve(dir, common)))
  } catch {
    // not a linked worktree
  }
}

/** Adds the git directories of nested checkouts below `dir` (not `node_modules`). */
async function addNestedGitDirs(dir: string, depth: number, gitDirs: Set<string>): Promise<void> {
  let entries
  try {
    entries = await fs.readdir(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.name === '.git') {
      if (depth > 0) await addGitDir(full, gitDirs)
    } else if (entry.isDirectory() && entry.name !== 'node_modules' && depth < NESTED_REPO_DEPTH) {
      await addNestedGitDirs(full, depth + 1, gitDirs)
    }
  }
}

/** Adds the real paths of `config` and `config.worktree` in `dir`, where they are files. */
async function addConfigs(dir: string, files: Set<string>): Promise<void> {
  for (const name of ['config', 'config.worktree']) {
    const file = path.join(dir, name)
    if (await isFile(file)) files.add(await fs.realpath(file))
  }
}

/** Adds the configs of every submodule git directory below `dir` (`.git/modules`). */
async function addModuleConfigs(dir: string, depth: number, files: Set<string>): Promise<void> {
  await addConfigs(dir, files)
  if (depth > MAX_MODULES_DEPTH) return
  let entries
  try {
    entries = await fs.readdir(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || GIT_DIR_SKIP.has(entry.name)) continue
    await addModuleConfigs(path.join(dir, entry.name), depth + 1, files)
  }
}

/**
 * The config files (real paths, sorted) of the repository at `repoDir`, its linked worktrees, its
 * submodules and the nested checkouts below it.
 */
export async function repositoryConfigFiles(repoDir: string): Promise<string[]> {
  const gitDirs = new Set<string>()
  await addGitDir(path.join(repoDir, '.git'), gitDirs)
  await addNestedGitDirs(repoDir, 0, gitDirs)

  const files = new Set<string>()
  for (const dir of gitDirs) {
    await addConfigs(dir, files)
    await addModuleConfigs(path.join(dir, 'modules'), 0, files)
    try {
      for (const worktree of await fs.readdir(path.join(dir, 'worktrees'))) {
        await addConfigs(path.join(dir, 'worktrees', worktree), files)
      }
    } catch {
      // no linked worktrees
    }
  }
  return [...files].sort()
}

/** The user's global config files, `~/.gitconfig` and `~/.config/git/config` (real paths). */
export async function globalConfigFiles(home: string): Promise<string[]> {
  return [
    await realOrResolved(path.join(home, '.gitconfig')),
    await realOrResolved(path.join(home, '.config', 'git', 'config')),
  ]
}

/** The default `store` helper files that exist: `~/.git-credentials`, `~/.config/git/credentials`. */
export async function defaultCredentialStores(home: string): Promise<string[]> {
  const stores: string[] = []
  for (const store of [
    path.join(home, '.git-credentials'),
    path.join(home, '.config', 'git', 'credentials'),
  ]) {
    if (await isFile(store)) stores.push(await fs.realpath(store))
  }
  return stores
}

/**
 * actions/checkout v6's credentials files (`git-credentials-<uuid>.config`) in `runnerTemp`,
 * whether or not a config includes them; none when there is no such folder.
 */
export async function checkoutCredentialFiles(runnerTemp: string): Promise<string[]> {
  const found: string[] = []
  try {
    for (const name of await fs.readdir(runnerTemp)) {
      const full = path.join(runnerTemp, name)
      if (CHECKOUT_CREDENTIALS_FILE.test(name) && (await isFile(full))) found.push(full)
    }
  } catch {
    // no RUNNER_TEMP on this machine
  }
  return found
}

/**
 * Where an include's `path` points, by git's rules: `~/` is the home, a relative path is relative
 * to the including file's folder. Pure.
 */
export function resolveInclude(value: string, baseDir: string, home: string): string {
  if (value === '~' || value.startsWith('~/')) return path.join(home, value.slice(1))
  return path.resolve(baseDir, value)
}

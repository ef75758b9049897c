/**
 * Take away, for the length of the agent's run, the git credentials that earlier steps left on the
 * runner, and put them back afterwards byte for byte.
 *
 * What actions/checkout leaves behind with `persist-credentials: true` (the default), from its
 * `src/git-auth-helper.ts`:
 * - v2–v5: `http.<server>/.extraheader = AUTHORIZATION: basic <base64 of x-access-token:TOKEN>` in
 *   `.git/config`, and in each submodule's `.git/modules/<name>/config`.
 * - v6+: the same header in `$RUNNER_TEMP/git-credentials-<uuid>.config`, pulled into `.git/config`
 *   (and submodule configs) by `includeIf.gitdir:<repo>/.git.path`,
 *   `includeIf.gitdir:<repo>/.git/worktrees/*.path`, and the same two for the container paths
 *   `/github/workspace/…` → `/github/runner_temp/git-credentials-<uuid>.config`.
 * - with `ssh-key`: the private key in `$RUNNER_TEMP/<uuid>` and
 *   `core.sshCommand = "<ssh>" -i "$RUNNER_TEMP/<uuid>" …` in `.git/config`.
 * - its global settings go to a temporary `HOME` under `RUNNER_TEMP` that it deletes afterwards, so
 *   it does not leave credentials in `~/.gitconfig`; other steps do (tokens in
 *   `url.<base>.insteadOf`, credential helpers, `~/.git-credentials`), so those are handled too.
 *
 * Everything touched is copied into the backup directory, and a manifest naming the copies is
 * written, before the first change. The manifest and the returned record hold paths and modes only;
 * the credential bytes exist only in the backup copies.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'

/** One file copied aside before it was changed or moved away. */
export interface CredentialsBackup {
  /** Absolute real path of the file that was changed or moved. */
  original: string
  /** Absolute path of the byte-for-byte copy inside the backup directory (mode 0600). */
  backup: string
  /** `true` when the original was moved away for the run (a credentials file), not edited. */
  removedOriginal: boolean
  /** The original's permission bits, restored with the bytes. */
  mode: number
  /** The original's owner, restored when the action runs as root. */
  uid: number
  /** The original's group, restored with the owner. */
  gid: number
}

/** What `neutralizeGitCredentials` changed; plain JSON, safe to keep in action state. */
export interface CredentialsChange {
  /** Where the copies and `manifest.json` live (mode 0700). */
  backupDir: string
  backups: CredentialsBackup[]
  /** What was taken away, one description each, with paths but never a credential value. */
  removed: string[]
}

/** Where to look besides the repository, and which git to run. */
export interface NeutralizeOptions {
  /** The runner user's home: `~/.gitconfig`, `~/.config/git/config`, `~/.git-credentials`. */
  home: string
  /** `RUNNER_TEMP`, where actions/checkout v6 keeps `git-credentials-<uuid>.config`. */
  runnerTemp?: string
  /** The git executable (default `git` on `PATH`). */
  git?: string
}

/** The name of the record written into the backup directory before anything is changed. */
export const MANIFEST_FILE = 'manifest.json'

/** actions/checkout v6's credentials file name (its own cleanup matches the same pattern). */
export const CHECKOUT_CREDENTIALS_FILE = /^git-credentials-[0-9a-f-]+\.config$/i

const EXTRAHEADER_KEY = /^http\.(?:.+\.)?extraheader$/
const HELPER_KEY = /^credential\.(?:.+\.)?helper$/
const INCLUDE_KEY = /^(?:include|includeif\..+)\.path$/
/** `scheme://userinfo@` for http(s): a token in a URL, as user, password or both. */
const URL_USERINFO = /\b(https?:\/\/)([^/@\s?#]+)@/gi
/** Nested repositories (other checkouts with `path:`) are looked for this deep below the repo. */
const NESTED_REPO_DEPTH = 3
/** Git's own limit for nested includes. */
const MAX_INCLUDE_DEPTH = 10
/** `git config --unset-all` exits 5 when there was nothing to unset: already gone is fine. */
const UNSET_OK = [0, 5] as const
const GIT_DIR_SKIP = new Set(['objects', 'refs', 'logs', 'hooks', 'info', 'lfs', 'worktrees'])

/** One `key=value` of a config file; `value` is `null` for a bare boolean (`[x] flag`). */
interface ConfigEntry {
  key: string
  value: string | null
}

type Edit =
  | { kind: 'unset'; key: string }
  | { kind: 'unset-value'; key: string; value: string }
  | { kind: 'rewrite'; key: string; values: string[] }

interface Findings {
  /** Whether the file (or anything it includes) holds a credential. */
  holds: boolean
  edits: Edit[]
  descriptions: string[]
  /** Files to move aside (real path → description). */
  moves: Map<string, string>
}

/** Remembers credential values seen, only to blank them out of messages; never stored. */
class Redactor {
  private readonly values = new Set<string>()

  add(value: string | null | undefined): void {
    if (value === null || value === undefined) return
    const trimmed = value.trim()
    if (trimmed.length >= 4) this.values.add(trimmed)
  }

  addHeader(value: string | null): void {
    if (value === null) return
    this.add(value)
    const match = /^\s*authorization:\s*(\S+)\s+(\S+)/i.exec(value)
    const token = match?.[2]
    if (token === undefined) return
    this.add(token)
    if (match?.[1]?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(token, 'base64').toString('utf8')
      this.add(decoded)
      this.add(decoded.slice(decoded.indexOf(':') + 1))
    }
  }

  addUserinfo(text: string): void {
    for (const match of text.matchAll(URL_USERINFO)) {
      const userinfo = match[2] ?? ''
      for (const part of [userinfo, ...userinfo.split(':')]) {
        this.add(part)
        this.add(safeDecode(part))
      }
    }
  }

  redact(text: string): string {
    let out = text.replace(URL_USERINFO, '$1***@')
    out = out.replace(/\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi, '$1 ***')
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      out = out.split(value).join('***')
    }
    return out
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code
}

/** Whether `child` is `parent` or inside it (both absolute). */
function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

async function realOrResolved(p: string): Promise<string> {
  try {
    return await fs.realpath(p)
  } catch {
    return path.resolve(p)
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile()
  } catch {
    return false
  }
}

/** Runs git with an argument array, no system or global config, outside any repository. */
class Git {
  constructor(
    private readonly executable: string,
    private readonly home: string,
  ) {}

  /** Runs git; `okCodes` are exit codes that count as success (5: nothing to unset). */
  run(args: string[], okCodes: readonly number[] = [0]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this.executable,
        args,
        {
          cwd: path.parse(process.cwd()).root,
          env: {
            PATH: process.env['PATH'] ?? '/usr/bin:/bin',
            HOME: this.home,
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_CONFIG_GLOBAL: '/dev/null',
            LC_ALL: 'C',
          },
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
          timeout: 30_000,
        },
        (error, stdout, stderr) => {
          const code = typeof error?.code === 'number' ? error.code : error ? -1 : 0
          if (!okCodes.includes(code)) {
            reject(
              new Error(
                `git ${args[0] ?? ''} failed: ${stderr.trim() || (typeof error?.code === 'string' ? error.code : `exit ${code}`)}`,
              ),
            )
          } else {
            resolve(stdout)
          }
        },
      )
    })
  }

  /**
   * The entries of one file, includes not followed; `null` when there is no such file. A file
   * whose bytes {@link mayHoldCredential} clears is not given to git (one process less): its
   * entries hold no credential, so it counts as having none. A file that cannot be read is given
   * to git, whose error then fails the run.
   */
  async list(file: string): Promise<ConfigEntry[] | null> {
    if (!(await isFile(file))) return null
    let text: string | null = null
    try {
      text = (await fs.readFile(file)).toString('latin1')
    } catch {
      // git reports why
    }
    if (text !== null && !mayHoldCredential(text)) return []
    const out = await this.run(['config', '--file', file, '--list', '-z'])
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

  async apply(file: string, edit: Edit): Promise<void> {
    const base = ['config', '--file', file]
    switch (edit.kind) {
      case 'unset':
        await this.run([...base, '--unset-all', edit.key], UNSET_OK)
        return
      case 'unset-value':
        await this.run([...base, '--fixed-value', '--unset-all', edit.key, edit.value], UNSET_OK)
        return
      case 'rewrite':
        await this.run([...base, '--unset-all', edit.key], UNSET_OK)
        for (const value of edit.values) await this.run([...base, '--add', edit.key, value])
        return
    }
  }
}

/** Finds the config files of the repository, its submodules, worktrees and nested checkouts. */
async function repositoryConfigFiles(repoDir: string): Promise<string[]> {
  const gitDirs = new Set<string>()

  const addGitDir = async (dotGit: string): Promise<void> => {
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

  const walkWorkTree = async (dir: string, depth: number): Promise<void> => {
    let entries
    try {
      entries = await fs.readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name)
      if (entry.name === '.git') {
        if (depth > 0) await addGitDir(full)
      } else if (
        entry.isDirectory() &&
        entry.name !== 'node_modules' &&
        depth < NESTED_REPO_DEPTH
      ) {
        await walkWorkTree(full, depth + 1)
      }
    }
  }

  await addGitDir(path.join(repoDir, '.git'))
  await walkWorkTree(repoDir, 0)

  const files = new Set<string>()
  const addConfigs = async (dir: string): Promise<void> => {
    for (const name of ['config', 'config.worktree']) {
      const file = path.join(dir, name)
      if (await isFile(file)) files.add(await fs.realpath(file))
    }
  }
  const walkGitDir = async (dir: string, depth: number): Promise<void> => {
    await addConfigs(dir)
    if (depth > 12) return
    let entries
    try {
      entries = await fs.readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || GIT_DIR_SKIP.has(entry.name)) continue
      await walkGitDir(path.join(dir, entry.name), depth + 1)
    }
  }
  for (const dir of gitDirs) {
    await addConfigs(dir)
    await walkGitDir(path.join(dir, 'modules'), 0)
    try {
      for (const worktree of await fs.readdir(path.join(dir, 'worktrees'))) {
        await addConfigs(path.join(dir, 'worktrees', worktree))
      }
    } catch {
      // no linked worktrees
    }
  }
  return [...files].sort()
}

/** Reads config files and decides what to take away, without changing anything. */
class Inspector {
  constructor(
    private readonly git: Git,
    private readonly redactor: Redactor,
    private readonly home: string,
    private readonly runnerTemp: string | undefined,
    private readonly display: (p: string) => string,
  ) {}

  /**
   * `memo` shares results between includes of the same file (checkout v6 includes its file twice)
   * and stops include cycles: a file still being inspected counts as holding nothing.
   */
  async inspect(file: string, depth = 0, memo = new Map<string, Findings>()): Promise<Findings> {
    const known = memo.get(file)
    if (known !== undefined) return known
    const findings: Findings = { holds: false, edits: [], descriptions: [], moves: new Map() }
    if (depth > MAX_INCLUDE_DEPTH) return findings
    memo.set(file, { holds: false, edits: [], descriptions: [], moves: new Map() })
    const entries = await this.git.list(file)
    if (entries === null) {
      memo.set(file, findings)
      return findings
    }

    const where = ` in ${this.display(file)}`
    const unset = new Set<string>()
    const taken = new Set<string>()
    const take = (edit: Edit, description: string): void => {
      findings.holds = true
      const id = JSON.stringify(edit)
      if (taken.has(id)) return
      taken.add(id)
      findings.edits.push(edit)
      findings.descriptions.push(this.redactor.redact(description + where))
    }

    for (const { key, value } of entries) {
      this.redactor.addUserinfo(key)
      if (unset.has(key)) continue
      if (EXTRAHEADER_KEY.test(key)) {
        this.redactor.addHeader(value)
        unset.add(key)
        take({ kind: 'unset', key }, key)
      } else if (HELPER_KEY.test(key) || key === 'core.askpass') {
        this.redactor.add(value)
        unset.add(key)
        take({ kind: 'unset', key }, key)
        for (const store of storeFilesOf(value ?? '', this.home)) {
          const real = await realOrResolved(store)
          if (await isFile(real)) {
            findings.moves.set(real, `credential store ${this.display(real)} moved aside`)
          }
        }
      } else if (key === 'core.sshcommand' && value !== null && /(?:^|\s)-i\b/.test(value)) {
        unset.add(key)
        take({ kind: 'unset', key }, key)
        for (const identity of this.identityFiles(value)) {
          findings.moves.set(identity, `SSH key ${this.display(identity)} moved aside`)
        }
      } else if (INCLUDE_KEY.test(key) && value !== null) {
        const target = this.resolveInclude(value, path.dirname(file))
        const real = await realOrResolved(target)
        const nested = await this.inspect(real, depth + 1, memo)
        for (const [p, d] of nested.moves) findings.moves.set(p, d)
        const byName = CHECKOUT_CREDENTIALS_FILE.test(path.basename(target))
        const inTemp = this.runnerTemp !== undefined && isInside(real, this.runnerTemp)
        if (byName || inTemp || nested.holds) {
          take({ kind: 'unset-value', key, value }, `${key} -> ${target}`)
          if (await isFile(real)) {
            findings.moves.set(real, `credentials file ${this.display(real)} moved aside`)
          }
        }
      } else if (hasUserinfo(key)) {
        unset.add(key)
        take({ kind: 'unset', key }, key)
      }
    }

    // A token in a URL value (remote.origin.url, submodule.x.url, lfs.url, ...): keep the URL.
    const byKey = new Map<string, (string | null)[]>()
    for (const { key, value } of entries) {
      if (!unset.has(key)) byKey.set(key, [...(byKey.get(key) ?? []), value])
    }
    for (const [key, values] of byKey) {
      if (!values.some((v) => v !== null && hasUserinfo(v))) continue
      for (const v of values) if (v !== null) this.redactor.addUserinfo(v)
      const stripped = values
        .filter((v): v is string => v !== null)
        .map((v) => v.replace(URL_USERINFO, '$1'))
      take({ kind: 'rewrite', key, values: stripped }, `userinfo of ${key}`)
    }
    memo.set(file, findings)
    return findings
  }

  /** Git's include rules: `~/` is the home, a relative path is relative to the including file. */
  private resolveInclude(value: string, baseDir: string): string {
    if (value === '~' || value.startsWith('~/')) return path.join(this.home, value.slice(1))
    return path.resolve(baseDir, value)
  }

  /** `-i <file>` arguments of an ssh command that point into RUNNER_TEMP (checkout's key). */
  private identityFiles(command: string): string[] {
    if (this.runnerTemp === undefined) return []
    const temp = this.runnerTemp
    const files: string[] = []
    for (const match of command.matchAll(/(?:^|\s)-i\s*(?:"([^"]*)"|'([^']*)'|(\S+))/g)) {
      const raw = match[1] ?? match[2] ?? match[3] ?? ''
      const expanded = raw.replace(/\$\{RUNNER_TEMP\}|\$RUNNER_TEMP\b/g, temp)
      const resolved = path.resolve(expanded)
      if (isInside(resolved, temp)) files.push(resolved)
    }
    return files
  }
}

/** The names of every key {@link Inspector} acts on (`includeif` contains `include`). */
const CREDENTIAL_NAMES = /extraheader|helper|askpass|sshcommand|include/
/**
 * `scheme://userinfo@` as {@link URL_USERINFO} matches it, and more: no word boundary, an empty
 * userinfo, and only ASCII whitespace ends it (git's output is read as UTF-8, the file as latin1).
 */
const LOOSE_USERINFO = /https?:\/\/[^/@\t\n\v\f\r ?#]*@/

/**
 * Whether a config file's text (bytes as latin1) could hold anything {@link Inspector} takes away:
 * `false` only when no key git could parse from it is a credential key and no key or value holds
 * `http(s)://userinfo@`. Conservative by construction, so a `false` needs no git process:
 * - Section and variable names cannot be escaped or split, and git compares them ASCII
 *   case-insensitively, so a credential key's name (`extraHeader`, `helper`, `askPass`,
 *   `sshCommand`, `include`/`includeIf`) appears in the text, in some case.
 * - Quotes, backslash escapes and continuation lines can split a URL in a value or a subsection
 *   (`"https:"//tok@x`, `https:\<newline>//tok@x`, `[url "https:\/\/tok\@x"]`); every `"`,
 *   every `\` and every backslash-newline is removed first, which turns each of those back into
 *   the URL git reads, and leaves any other escape as a character the URL pattern still accepts.
 * Comments are looked at too (a needless git process, never a missed credential). Pure.
 */
export function mayHoldCredential(text: string): boolean {
  const plain = text
    .replace(/\\\r?\n/g, '')
    .replace(/["\\]/g, '')
    .toLowerCase()
  return CREDENTIAL_NAMES.test(plain) || LOOSE_USERINFO.test(plain)
}

function hasUserinfo(text: string): boolean {
  URL_USERINFO.lastIndex = 0
  const found = URL_USERINFO.test(text)
  URL_USERINFO.lastIndex = 0
  return found
}

/**
 * The files a `store` credential helper keeps credentials in: its `--file` (absolute or `~/`).
 * The default files (`~/.git-credentials`, `~/.config/git/credentials`) are moved aside anyway.
 * Pure.
 */
export function storeFilesOf(helper: string, home: string): string[] {
  const words = helper.trim().split(/\s+/)
  const program = words[0] ?? ''
  if (program !== 'store' && !program.endsWith('git-credential-store')) return []
  const files: string[] = []
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? ''
    const file = word.startsWith('--file=') ? word.slice(7) : word === '--file' ? words[++i] : null
    if (file === null || file === undefined || file === '') continue
    const unquoted = file.replace(/^(['"])(.*)\1$/, '$2')
    if (unquoted.startsWith('~/')) files.push(path.join(home, unquoted.slice(2)))
    else if (path.isAbsolute(unquoted)) files.push(unquoted)
  }
  return files
}

/**
 * Take away every git credential reachable from `repoDir` and the runner user's home: auth headers
 * (`http.*.extraheader`), credential helpers and `core.askPass`, tokens in URLs (values such as
 * `remote.origin.url`, and `url.<base>.insteadOf` keys), `core.sshCommand` with checkout's key,
 * and includes of credential files. An include is taken away when its target is checkout's
 * `git-credentials-<uuid>.config`, lies under `runnerTemp`, or holds a credential itself; such
 * targets, checkout's SSH key, any `git-credentials-*.config` left in `runnerTemp`, and
 * `~/.git-credentials` are moved into `backupDir`, so reading them directly yields nothing.
 *
 * Looked at: `.git/config`, `config.worktree`, every `.git/modules/**` config, linked worktrees,
 * nested checkouts up to three directories below `repoDir`, `~/.gitconfig` and
 * `~/.config/git/config`. Not looked at: the system config (`/etc/gitconfig`).
 *
 * Guarantees: every file is copied byte for byte into `backupDir` (0700; copies 0600) and
 * `manifest.json` is written before the first change; the rest of each file is kept (git edits it
 * by key); afterwards every edited file is read again and must hold no credential. On any failure
 * everything is put back and the error is thrown; messages never contain a credential value.
 * When nothing is found, nothing is written and `backups` is empty.
 */
export async function neutralizeGitCredentials(
  repoDir: string,
  backupDir: string,
  opts: NeutralizeOptions,
): Promise<CredentialsChange> {
  const redactor = new Redactor()
  const home = await realOrResolved(opts.home)
  const runnerTemp =
    opts.runnerTemp === undefined ? undefined : await realOrResolved(opts.runnerTemp)
  const repo = await realOrResolved(repoDir)
  const git = new Git(opts.git ?? 'git', home)
  const display = (p: string): string => {
    if (isInside(p, repo)) return path.relative(repo, p) || '.'
    if (isInside(p, home)) return `~/${path.relative(home, p)}`
    return p
  }
  const inspector = new Inspector(git, redactor, home, runnerTemp, display)
  const change: CredentialsChange = { backupDir: path.resolve(backupDir), backups: [], removed: [] }

  try {
    // 1. Decide, read-only.
    const configFiles = [
      ...(await repositoryConfigFiles(repo)),
      await realOrResolved(path.join(home, '.gitconfig')),
      await realOrResolved(path.join(home, '.config', 'git', 'config')),
    ]
    const edits = new Map<string, Edit[]>()
    const descriptions = new Map<string, string[]>()
    const moves = new Map<string, string>()
    for (const file of new Set(configFiles)) {
      const findings = await inspector.inspect(file)
      if (findings.edits.length > 0) {
        edits.set(file, findings.edits)
        descriptions.set(file, findings.descriptions)
      }
      for (const [p, d] of findings.moves) moves.set(p, d)
    }
    for (const store of [
      path.join(home, '.git-credentials'),
      path.join(home, '.config', 'git', 'credentials'),
    ]) {
      if (await isFile(store)) {
        const real = await fs.realpath(store)
        moves.set(real, `credential store ${display(real)} moved aside`)
      }
    }
    if (runnerTemp !== undefined) {
      try {
        for (const name of await fs.readdir(runnerTemp)) {
          const full = path.join(runnerTemp, name)
          if (CHECKOUT_CREDENTIALS_FILE.test(name) && (await isFile(full))) {
            moves.set(full, `credentials file ${display(full)} moved aside`)
          }
        }
      } catch {
        // no RUNNER_TEMP on this machine
      }
    }
    for (const moved of moves.keys()) edits.delete(moved)
    if (edits.size === 0 && moves.size === 0) return change
    for (const file of edits.keys()) change.removed.push(...(descriptions.get(file) ?? []))
    change.removed.push(...[...moves.values()].map((d) => redactor.redact(d)))

    // 2. Copy everything aside and record it, before the first change.
    await prepareBackupDir(change.backupDir)
    const touched = [...new Set([...edits.keys(), ...moves.keys()])].sort()
    for (const [index, original] of touched.entries()) {
      const stat = await fs.lstat(original)
      if (!stat.isFile()) throw new Error(`${display(original)} is not a regular file`)
      const backup = path.join(change.backupDir, `${index}-${path.basename(original)}`)
      await fs.writeFile(backup, await fs.readFile(original), { flag: 'wx', mode: 0o600 })
      change.backups.push({
        original,
        backup,
        removedOriginal: moves.has(original),
        mode: stat.mode & 0o7777,
        uid: stat.uid,
        gid: stat.gid,
      })
    }
    await writeManifest(change)

    // 3. Change: edit by key with git, move credential files away.
    for (const [file, fileEdits] of edits) {
      for (const edit of fileEdits) await git.apply(file, edit)
    }
    for (const file of moves.keys()) await fs.unlink(file)

    // 4. Check: nothing left in what was edited.
    for (const file of edits.keys()) {
      const again = await inspector.inspect(file)
      if (again.holds) {
        throw new Error(`${display(file)} still holds git credentials after editing`)
      }
    }
    return change
  } catch (error) {
    const warnings = change.backups.length > 0 ? await restoreGitCredentials(change) : []
    const rollback =
      warnings.length > 0 ? ` Putting files back also failed: ${warnings.join(' ')}` : ''
    // No `cause`: the original error may quote a credential (git echoes keys); only the redacted
    // message leaves this function.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(
      redactor.redact(`Could not take away git credentials: ${errorMessage(error)}.${rollback}`),
    )
  }
}

async function prepareBackupDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  const stat = await fs.lstat(dir)
  if (!stat.isDirectory()) throw new Error(`backup directory ${dir} is not a directory`)
  await fs.chmod(dir, 0o700)
  if ((await fs.readdir(dir)).length > 0) {
    throw new Error(`backup directory ${dir} is not empty (an earlier run was not restored?)`)
  }
}

async function writeManifest(change: CredentialsChange): Promise<void> {
  const file = path.join(change.backupDir, MANIFEST_FILE)
  await fs.writeFile(file, JSON.stringify(change, null, 2) + '\n', { flag: 'wx', mode: 0o600 })
}

function isChange(value: unknown): value is CredentialsChange {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<CredentialsChange>
  return (
    typeof v.backupDir === 'string' &&
    Array.isArray(v.removed) &&
    Array.isArray(v.backups) &&
    v.backups.every(
      (b: Partial<CredentialsBackup> | null) =>
        typeof b === 'object' &&
        b !== null &&
        typeof b.original === 'string' &&
        path.isAbsolute(b.original) &&
        typeof b.backup === 'string' &&
        path.dirname(b.backup) === path.resolve(v.backupDir as string) &&
        typeof b.removedOriginal === 'boolean' &&
        typeof b.mode === 'number' &&
        typeof b.uid === 'number' &&
        typeof b.gid === 'number',
    )
  )
}

/**
 * The record `neutralizeGitCredentials` wrote into `backupDir` before its first change, for a post
 * step that runs after `main` died before saving the returned record; `null` when there is none
 * (nothing was changed, or it was already restored).
 */
export async function readCredentialsChange(backupDir: string): Promise<CredentialsChange | null> {
  try {
    const parsed: unknown = JSON.parse(
      await fs.readFile(path.join(backupDir, MANIFEST_FILE), 'utf8'),
    )
    return isChange(parsed) ? parsed : null
  } catch {
    return null
  }
}

/**
 * Put back every file in `change` byte for byte, with its mode (and owner, as root), whatever the
 * agent did to it meanwhile: edited, deleted, replaced by a link or a directory — the backup wins.
 * A file is written next to its original and renamed over it, so a link planted at the original's
 * path is replaced, never followed; a parent directory that now resolves elsewhere is refused.
 * Each backup is deleted once its file is back, so a second call does nothing. Never throws:
 * returns one warning per file it could not put back (its backup is kept for another try).
 */
export async function restoreGitCredentials(change: CredentialsChange): Promise<string[]> {
  const warnings: string[] = []
  const redactor = new Redactor()
  if (!isChange(change)) return ['The git credentials record is malformed; nothing was restored.']
  for (const backup of change.backups) {
    try {
      await restoreOne(backup)
    } catch (error) {
      warnings.push(
        redactor.redact(`Could not put back ${backup.original}: ${errorMessage(error)}`),
      )
    }
  }
  if (warnings.length === 0) {
    try {
      await fs.rm(path.join(change.backupDir, MANIFEST_FILE), { force: true })
      await fs.rmdir(change.backupDir)
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) {
        warnings.push(
          `Could not remove the backup directory ${change.backupDir}: ${errorMessage(error)}`,
        )
      }
    }
  }
  return warnings
}

async function restoreOne(backup: CredentialsBackup): Promise<void> {
  let data: Buffer
  try {
    data = await fs.readFile(backup.backup)
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return // already put back
    throw error
  }
  const dir = path.dirname(backup.original)
  await fs.mkdir(dir, { recursive: true, mode: 0o755 })
  const real = await fs.realpath(dir)
  if (real !== dir) throw new Error(`${dir} now resolves to ${real}; not writing through a link`)

  const temporary = path.join(dir, `.airlock-restore-${randomBytes(8).toString('hex')}`)
  const handle = await fs.open(temporary, 'wx', 0o600)
  try {
    try {
      await handle.writeFile(data)
      if (process.getuid?.() === 0) {
        try {
          await handle.chown(backup.uid, backup.gid)
        } catch {
          // the owner may not exist here (another container); the bytes and mode matter most
        }
      }
      await handle.chmod(backup.mode)
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      if ((await fs.lstat(backup.original)).isDirectory()) {
        await fs.rm(backup.original, { recursive: true, force: true })
      }
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error
    }
    await fs.rename(temporary, backup.original)
  } catch (error) {
    await fs.rm(temporary, { force: true })
    throw error
  }
  await fs.unlink(backup.backup)
}

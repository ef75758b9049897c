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
 * the credential bytes exist only in the backup copies (`backup.ts`, which also puts them back).
 * Which files are looked at is `config-files.ts`; what is taken from each, `inspect.ts`.
 */
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { backUp, restoreGitCredentials, type CredentialsChange } from './backup.js'
import {
  checkoutCredentialFiles,
  defaultCredentialStores,
  globalConfigFiles,
  repositoryConfigFiles,
} from './config-files.js'
import { applyEdit, type ConfigGit, type Edit } from './git-config.js'
import { Inspector } from './inspect.js'
import { errorMessage } from '../../pipeline/errors.js'
import { displayPath, realOrResolved } from './files.js'
import { credentialRedactor } from './redaction.js'

/** Where to look besides the repository, and which git to run. */
export interface NeutralizeOptions {
  /** The runner user's home: `~/.gitconfig`, `~/.config/git/config`, `~/.git-credentials`. */
  home: string
  /** `RUNNER_TEMP`, where actions/checkout v6 keeps `git-credentials-<uuid>.config`. */
  runnerTemp?: string
  /** The git executable (default `git` on `PATH`). */
  git?: string
}

/** What to take away, decided before anything is changed. */
interface Plan {
  /** Edits by config file (a file also moved aside is not edited). */
  edits: Map<string, Edit[]>
  /** The redacted description of each file's edits. */
  descriptions: Map<string, string[]>
  /** Files to move aside (path → description, not yet redacted). */
  moves: Map<string, string>
}

/** Reads every config file and credential store there is and decides what to take away. */
async function decide(
  inspector: Inspector,
  repo: string,
  home: string,
  runnerTemp: string | undefined,
  display: (p: string) => string,
): Promise<Plan> {
  const configFiles = [...(await repositoryConfigFiles(repo)), ...(await globalConfigFiles(home))]
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
  for (const store of await defaultCredentialStores(home)) {
    moves.set(store, `credential store ${display(store)} moved aside`)
  }
  if (runnerTemp !== undefined) {
    for (const file of await checkoutCredentialFiles(runnerTemp)) {
      moves.set(file, `credentials file ${display(file)} moved aside`)
    }
  }
  for (const moved of moves.keys()) edits.delete(moved)
  return { edits, descriptions, moves }
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
  const redactor = credentialRedactor()
  const home = await realOrResolved(opts.home)
  const runnerTemp =
    opts.runnerTemp === undefined ? undefined : await realOrResolved(opts.runnerTemp)
  const repo = await realOrResolved(repoDir)
  const git: ConfigGit = { executable: opts.git ?? 'git', home }
  const display = displayPath(repo, home)
  const inspector = new Inspector(git, redactor, home, runnerTemp, display)
  const change: CredentialsChange = { backupDir: path.resolve(backupDir), backups: [], removed: [] }

  try {
    // 1. Decide, read-only.
    const { edits, descriptions, moves } = await decide(inspector, repo, home, runnerTemp, display)
    if (edits.size === 0 && moves.size === 0) return change
    for (const file of edits.keys()) change.removed.push(...(descriptions.get(file) ?? []))
    change.removed.push(...[...moves.values()].map((d) => redactor.redact(d)))

    // 2. Copy everything aside and record it, before the first change.
    const touched = [...new Set([...edits.keys(), ...moves.keys()])].sort()
    await backUp(change, touched, moves, display)

    // 3. Change: edit by key with git, move credential files away.
    for (const [file, fileEdits] of edits) {
      for (const edit of fileEdits) await applyEdit(git, file, edit)
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

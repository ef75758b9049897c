/**
 * What git sees in each config file, and what to take away from it: auth headers, credential
 * helpers and `core.askPass`, `core.sshCommand` with checkout's key, tokens in URLs, and includes
 * of credential files (followed, as git follows them). Reads config files with git; changes
 * nothing.
 */
import * as path from 'node:path'
import type { Redactor } from '../../secrets/index.js'
import { CHECKOUT_CREDENTIALS_FILE, resolveInclude } from './config-files.js'
import { listEntries, type ConfigEntry, type ConfigGit, type Edit } from './git-config.js'
import { isFile, isInside, realOrResolved } from './files.js'
import { addHeader, addUserinfo, addValue } from './redaction.js'
import {
  EXTRAHEADER_KEY,
  hasUserinfo,
  HELPER_KEY,
  INCLUDE_KEY,
  storeFilesOf,
  withoutUserinfo,
} from './shapes.js'

/** What one config file (with what it includes) holds, and what to do about it. */
export interface Findings {
  /** Whether the file (or anything it includes) holds a credential. */
  holds: boolean
  edits: Edit[]
  /** One per edit, redacted: the key and the file (`http.….extraheader in .git/config`). */
  descriptions: string[]
  /** Files to move aside (real path → description). */
  moves: Map<string, string>
}

/** Git's own limit for nested includes. */
const MAX_INCLUDE_DEPTH = 10

function noFindings(): Findings {
  return { holds: false, edits: [], descriptions: [], moves: new Map() }
}

/** Records an edit once (by value), with its redacted description, and marks the file as holding. */
type Take = (edit: Edit, description: string) => void

function taker(findings: Findings, redactor: Redactor, where: string): Take {
  const taken = new Set<string>()
  return (edit, description) => {
    findings.holds = true
    const id = JSON.stringify(edit)
    if (taken.has(id)) return
    taken.add(id)
    findings.edits.push(edit)
    findings.descriptions.push(redactor.redact(description + where))
  }
}

/** Reads config files and decides what to take away, without changing anything. */
export class Inspector {
  /**
   * @param git how to run git
   * @param redactor learns every credential value seen, for the descriptions and later messages
   * @param home the runner user's home (real path): `~` in includes and store files
   * @param runnerTemp `RUNNER_TEMP` (real path), where checkout keeps its credentials and SSH key
   * @param display how a path is shown in a description
   */
  constructor(
    private readonly git: ConfigGit,
    private readonly redactor: Redactor,
    private readonly home: string,
    private readonly runnerTemp: string | undefined,
    private readonly display: (p: string) => string,
  ) {}

  /**
   * What `file` holds, includes followed. `memo` shares results between includes of the same file
   * (checkout v6 includes its file twice) and stops include cycles: a file still being inspected
   * counts as holding nothing.
   */
  async inspect(file: string, depth = 0, memo = new Map<string, Findings>()): Promise<Findings> {
    const known = memo.get(file)
    if (known !== undefined) return known
    const findings = noFindings()
    if (depth > MAX_INCLUDE_DEPTH) return findings
    memo.set(file, noFindings())
    const entries = await listEntries(this.git, file)
    if (entries === null) {
      memo.set(file, findings)
      return findings
    }

    const take = taker(findings, this.redactor, ` in ${this.display(file)}`)
    const unset = new Set<string>()
    for (const entry of entries) {
      addUserinfo(this.redactor, entry.key)
      if (unset.has(entry.key)) continue
      await this.inspectEntry(file, entry, { findings, take, unset, depth, memo })
    }
    this.takeUserinfo(entries, unset, take)
    memo.set(file, findings)
    return findings
  }

  /** Takes away one entry of `file` when it is a credential key (its key is then `unset`). */
  private async inspectEntry(
    file: string,
    { key, value }: ConfigEntry,
    into: {
      findings: Findings
      take: Take
      unset: Set<string>
      depth: number
      memo: Map<string, Findings>
    },
  ): Promise<void> {
    const { findings, take, unset } = into
    if (EXTRAHEADER_KEY.test(key)) {
      addHeader(this.redactor, value)
      unset.add(key)
      take({ kind: 'unset', key }, key)
    } else if (HELPER_KEY.test(key) || key === 'core.askpass') {
      addValue(this.redactor, value)
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
      await this.inspectInclude(file, key, value, into)
    } else if (hasUserinfo(key)) {
      unset.add(key)
      take({ kind: 'unset', key }, key)
    }
  }

  /**
   * Follows an include: it is taken away, and its target moved aside, when the target is
   * checkout's credentials file (by name), lies in `RUNNER_TEMP`, or holds a credential itself.
   */
  private async inspectInclude(
    file: string,
    key: string,
    value: string,
    into: { findings: Findings; take: Take; depth: number; memo: Map<string, Findings> },
  ): Promise<void> {
    const { findings, take } = into
    const target = resolveInclude(value, path.dirname(file), this.home)
    const real = await realOrResolved(target)
    const nested = await this.inspect(real, into.depth + 1, into.memo)
    for (const [p, d] of nested.moves) findings.moves.set(p, d)
    const byName = CHECKOUT_CREDENTIALS_FILE.test(path.basename(target))
    const inTemp = this.runnerTemp !== undefined && isInside(real, this.runnerTemp)
    if (byName || inTemp || nested.holds) {
      take({ kind: 'unset-value', key, value }, `${key} -> ${target}`)
      if (await isFile(real)) {
        findings.moves.set(real, `credentials file ${this.display(real)} moved aside`)
      }
    }
  }

  /**
   * A token in a URL value (`remote.origin.url`, `submodule.x.url`, `lfs.url`, ...): every value
   * of the key is rewritten without userinfo, so the URL is kept.
   */
  private takeUserinfo(entries: readonly ConfigEntry[], unset: Set<string>, take: Take): void {
    const byKey = new Map<string, (string | null)[]>()
    for (const { key, value } of entries) {
      if (!unset.has(key)) byKey.set(key, [...(byKey.get(key) ?? []), value])
    }
    for (const [key, values] of byKey) {
      if (!values.some((v) => v !== null && hasUserinfo(v))) continue
      for (const v of values) if (v !== null) addUserinfo(this.redactor, v)
      const stripped = values.filter((v): v is string => v !== null).map(withoutUserinfo)
      take({ kind: 'rewrite', key, values: stripped }, `userinfo of ${key}`)
    }
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

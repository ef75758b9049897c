/**
 * Snapshot and Audit, as pipeline stages. Just before the agent starts, the whole working tree is
 * written to a private store (and, as root, the privileged files are listed); after it, the final
 * tree is compared with that baseline and every finding recorded: changed files, commits,
 * protected paths, secrets in added lines, symlinks leaving the repository, files made setuid or
 * capable. I/O: runs git and the privileged-file scan, writes `patch-file` and the transcript.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { Outputs, type Config } from '../inputs/index.js'
import { secretScanner, type Redactor } from '../secrets/index.js'
import type { AuditRecord } from '../types/stages.js'
import { collectChanges } from './collect.js'
import { locateRepository, type Repository } from './repository.js'
import { snapshotWorktree, type Snapshot } from './snapshot.js'
import { resolveProtectedPaths } from './protected-paths.js'
import { privilegedViolations, scanPrivilegedFiles, type PrivilegedFiles } from './setuid-scan.js'

/** The workspace as it was just before the agent started. */
export interface Baseline {
  snapshot: Snapshot
  /** As root: the files that were setuid, setgid or capable already; `null` when not root. */
  privileged: PrivilegedFiles | null
}

/**
 * Starts the snapshot's first git process now, so that it runs beside the lock (nothing the lock
 * does moves HEAD or the repository). A failure waits for the snapshot, which awaits it.
 */
export function startLocating(workspace: string): Promise<Repository> {
  const located = locateRepository(workspace)
  located.catch(() => undefined) // awaited by the snapshot; a refusal before it leaves it be
  return located
}

/**
 * Snapshots the working tree into the private folder and, when `asRoot`, lists the files that are
 * privileged now, so that only those the agent makes so are flagged.
 */
export async function takeBaseline(
  workspace: string,
  privateDir: string,
  located: Promise<Repository>,
  asRoot: boolean,
): Promise<Baseline> {
  const snapshotDir = path.join(privateDir, 'snapshot')
  mkdirSync(snapshotDir, { recursive: true })
  const snapshot = await snapshotWorktree(workspace, snapshotDir, located)
  // As root the agent keeps CAP_SETFCAP, and git records neither file capabilities nor setuid
  // bits: note which files are privileged now, to flag any the agent makes so.
  const privileged = asRoot ? await scanPrivilegedFiles(workspace) : null
  if (privileged?.capabilitiesChecked === false) {
    core.warning(
      'File capabilities in the workspace will not be checked after the run: getcap is not installed (Debian/Ubuntu: apt-get install -y libcap2-bin).',
    )
  }
  return { snapshot, privileged }
}

/** Where the audit works and writes, besides the baseline. */
export interface AuditOptions {
  privateDir: string
  /** The values stripped from the agent's environment, looked for in added lines. */
  strippedValues: string[]
  /** Where `patch-file` is written. */
  outDir: string
  /** The transcript, to which the agent's commits are appended. */
  transcriptFile: string
  redactor: Redactor
}

/**
 * Compares the working tree with `baseline` and records every finding; the stripped values and
 * the secret inputs are looked for in added lines, in every encoding. Writes `patch-file` and sets
 * its output; appends the agent's commits (subjects redacted) to the transcript.
 */
export async function auditChanges(
  baseline: Baseline,
  config: Pick<Config, 'workspace' | 'protectedPaths' | 'modelCredential' | 'githubToken'>,
  options: AuditOptions,
): Promise<AuditRecord> {
  const auditDir = path.join(options.privateDir, 'audit')
  mkdirSync(auditDir, { recursive: true })
  const patchFile = path.join(options.outDir, 'agent.patch')
  const secrets = options.strippedValues.concat(config.modelCredential.value, config.githubToken)
  const record = await collectChanges(config.workspace, auditDir, baseline.snapshot, {
    protectedPaths: resolveProtectedPaths(config.protectedPaths),
    workspace: config.workspace,
    scanAdded: secretScanner(secrets),
    patchFile,
  })
  if (baseline.privileged !== null) {
    const after = await scanPrivilegedFiles(config.workspace)
    record.violations.push(...privilegedViolations(baseline.privileged, after))
  }
  core.info(
    `Audit: ${count(record.files.length, 'file')} changed, ${count(record.commits.length, 'commit')}, ${count(record.violations.length, 'violation')}`,
  )
  core.setOutput(Outputs.PatchFile, patchFile)
  const commits = record.commits.map((c) => ({
    sha: c.sha,
    subject: options.redactor.redact(c.subject),
  }))
  writeFileSync(
    options.transcriptFile,
    `${JSON.stringify({ type: 'airlock/commits', commits })}\n`,
    { flag: 'a' },
  )
  return record
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

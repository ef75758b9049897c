/**
 * What the audit's tests share: throwaway repositories set up with the user's own git (never the
 * audit's), and {@link audit}: snapshot, let the agent act, collect. Every folder made here is
 * removed after each test.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { collectChanges, type CollectOptions } from '../../src/audit/collect.js'
import { snapshotWorktree } from '../../src/audit/snapshot.js'
import type { AuditRecord, ChangedFile } from '../../src/types/stages.js'

const cleanups: string[] = []
afterEach(() => {
  for (const dir of cleanups.splice(0)) rmSync(dir, { recursive: true, force: true })
}, 60_000)

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  cleanups.push(dir)
  return dir
}

/** git for the test's own setup (the part a user or the agent would do), never the audit's. */
export function git(repo: string, ...args: string[]): string {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_') && v) env[k] = v
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

export function write(repo: string, file: string | Buffer, content: string | Buffer): void {
  const full =
    typeof file === 'string'
      ? path.join(repo, file)
      : Buffer.concat([Buffer.from(`${repo}/`), file])
  mkdirSync(path.dirname(full.toString()), { recursive: true })
  writeFileSync(full, content)
}

/** A repository with one commit holding `files`. */
export function repoWith(files: Record<string, string> = { 'README.md': 'hello\n' }): string {
  const repo = tempDir('airlock-audit-repo-')
  git(repo, 'init', '--quiet', '--initial-branch=main')
  for (const [name, content] of Object.entries(files)) write(repo, name, content)
  git(repo, 'add', '--all')
  git(repo, 'commit', '--quiet', '--message=initial')
  return repo
}

export function emptyRepo(): string {
  const repo = tempDir('airlock-audit-repo-')
  git(repo, 'init', '--quiet', '--initial-branch=main')
  return repo
}

export interface Scanned {
  path: string
  text: string
  firstLine: number
}

/** Snapshot, let `agent` act on the repository, collect. Records what scanAdded was given. */
export async function audit(
  repo: string,
  agent: (repo: string) => void,
  options: Partial<CollectOptions> = {},
): Promise<AuditRecord & { scanned: Scanned[] }> {
  const tmp = tempDir('airlock-audit-tmp-')
  const baseline = await snapshotWorktree(repo, tmp)
  agent(repo)
  const scanned: Scanned[] = []
  const record = await collectChanges(repo, tmp, baseline, {
    protectedPaths: [],
    workspace: repo,
    scanAdded: (p, text, firstLine) => {
      scanned.push({ path: p, text, firstLine })
      return []
    },
    ...options,
  })
  return { ...record, scanned }
}

export function summary(files: ChangedFile[]): string[] {
  return files.map(
    (f) => `${f.status} ${f.oldPath === undefined ? '' : `${f.oldPath} -> `}${f.path}`,
  )
}

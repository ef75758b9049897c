import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { collectChanges } from '../../src/audit/collect.js'
import { resolveProtectedPaths } from '../../src/audit/protected-paths.js'
import { snapshotWorktree } from '../../src/audit/snapshot.js'
import {
  COMMENT_LIMIT,
  SUMMARY_LIMIT,
  conclusionFor,
  renderReport,
  stickyMarker,
  type ReportInput,
} from '../../src/report/index.js'
import { secretScanner } from '../../src/secrets/index.js'
import type { AuditRecord } from '../../src/types/stages.js'
import { git } from './harness.js'

// `collect.test.ts` ('scale') proves a 10,000-file audit completes, and `render.test.ts` that a
// report of 10,000 made-up rows fits the comment. This joins the two: the record a real audit of
// 10,000 files produces, violations included, renders into a comment GitHub accepts.

const cleanups: string[] = []
afterEach(() => {
  for (const dir of cleanups.splice(0)) rmSync(dir, { recursive: true, force: true })
}, 60_000)

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  cleanups.push(dir)
  return dir
}

function write(repo: string, file: string, content: string): void {
  const full = path.join(repo, file)
  mkdirSync(path.dirname(full), { recursive: true })
  writeFileSync(full, content)
}

function reportOf(record: AuditRecord): ReportInput {
  const verdict = conclusionFor({
    agentFailed: false,
    violations: record.violations.length,
    denials: 0,
    failOn: 'violation',
  })
  return {
    conclusion: verdict.conclusion,
    failOn: 'violation',
    isolation: { kind: 'container', evidence: ['/.dockerenv exists'], allowed: true },
    stripped: ['NPM_TOKEN'],
    lock: { sandbox: 'on', allowedDomains: [], denyRules: 40, hookVerified: true },
    agent: {
      exitCode: 0,
      signal: null,
      timedOut: false,
      subtype: 'success',
      numTurns: 30,
      durationMs: 600_000,
      result: 'Generated the modules.',
      denials: [],
    },
    audit: record,
    denials: [],
    runUrl: 'https://github.com/o/r/actions/runs/1',
    marker: stickyMarker('ci', 'agent'),
  }
}

/** A GitHub token shape, put together here so that no scanner flags this file. */
const TOKEN = ['ghp', 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4'].join('_')

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

describe('scale: audit and report of 10,000 changed files', () => {
  it(
    'renders a real 10,000-file audit into a comment of at most 65,536 characters and bytes, violations first',
    {
      timeout: 180_000,
    },
    async () => {
      const repo = tempDir('airlock-scale-repo-')
      git(repo, 'init', '--quiet', '--initial-branch=main')
      write(repo, 'README.md', 'hello\n')
      git(repo, 'add', '--all')
      git(repo, 'commit', '--quiet', '--message=initial')
      const tmp = tempDir('airlock-scale-tmp-')
      const baseline = await snapshotWorktree(repo, tmp)

      // The agent: 9,998 ordinary files, a workflow (protected) and a token (secret).
      for (let i = 0; i < 9_998; i++) {
        write(repo, `packages/pkg-${i % 97}/src/module-${i}.ts`, `export const value${i} = ${i}\n`)
      }
      write(repo, '.github/workflows/deploy.yml', 'on: push\n')
      write(repo, 'config/token.ts', `export const token = '${TOKEN}'\n`)
      const record = await collectChanges(repo, tmp, baseline, {
        protectedPaths: resolveProtectedPaths([]),
        workspace: repo,
        scanAdded: secretScanner([]),
      })
      expect(record.files).toHaveLength(10_000)
      expect(record.violations.map((v) => `${v.kind} ${v.path ?? ''}`).sort()).toEqual([
        'protected-path .github/workflows/deploy.yml',
        'secret config/token.ts',
      ])

      const comment = renderReport(reportOf(record))
      expect(utf8(comment)).toBeLessThanOrEqual(COMMENT_LIMIT)
      expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT)
      expect(comment).toContain('#### Violations (2)')
      expect(comment).toContain('#### Changed files (10,000')
      expect(comment).toContain('| added | `.github/workflows/deploy.yml` |')
      expect(comment).toContain('| added | `config/token.ts` |')
      expect(comment).toMatch(/\*\*Shortened to fit the 65,536-byte limit\.\*\*/)
      expect(comment).not.toContain(TOKEN)

      const summary = renderReport(reportOf(record), { limit: SUMMARY_LIMIT })
      expect(utf8(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT)
    },
  )
})

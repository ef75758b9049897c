// Snapshot and audit as stages, against a real repository: what the agent changed after the
// baseline is found, a stripped value it wrote is a violation, patch-file is written and its output
// set, and the agent's commits go to the transcript with their subjects redacted.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { auditChanges, startLocating, takeBaseline } from '../../src/audit/stage.js'
import { parseConfig, type Config } from '../../src/inputs/config.js'
import { Redactor } from '../../src/secrets/index.js'
import { faked } from '../fakes/core.js'
import { git as setupGit } from './harness.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())

const fake = faked(core)
// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Xr6Vn1Pk9Hs3Jd7Fb5Gc0YaQm4Zt8Zq7Lw2'
const STRIPPED = 'stripped-' + 'cloud-token-4f1d9a7c2e'

let tmp: string
let repo: string
let privateDir: string
let config: Config

/** git for the test's own setup, in the test's repository. */
function git(...args: string[]): string {
  return setupGit(repo, ...args)
}

beforeEach(() => {
  fake.reset()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-audit-stage-'))
  repo = path.join(tmp, 'repo')
  privateDir = path.join(tmp, 'private')
  mkdirSync(repo)
  mkdirSync(privateDir)
  git('init', '--quiet', '--initial-branch=main')
  writeFileSync(path.join(repo, 'README.md'), 'hello\n')
  git('add', '--all')
  git('commit', '--quiet', '-m', 'initial')
  config = parseConfig({ prompt: 'p', 'anthropic-api-key': API_KEY }, { workspace: repo })
})

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true })
}, 60_000)

describe('takeBaseline and auditChanges', () => {
  it('finds what changed after the baseline, flags a stripped value, and writes the patch and the commits', async () => {
    writeFileSync(path.join(repo, 'before.txt'), 'an earlier step wrote this\n')
    const baseline = await takeBaseline(repo, privateDir, startLocating(repo), false)
    expect(baseline.privileged).toBeNull()

    writeFileSync(path.join(repo, 'leak.txt'), `token=${STRIPPED}\n`)
    git('add', 'leak.txt')
    git('commit', '--quiet', '-m', `add ${STRIPPED}`)
    const transcriptFile = path.join(tmp, 'transcript.jsonl')
    writeFileSync(transcriptFile, '')

    const record = await auditChanges(baseline, config, {
      privateDir,
      strippedValues: [STRIPPED],
      outDir: tmp,
      transcriptFile,
      redactor: new Redactor([STRIPPED]),
    })
    expect(record.files.map((f) => f.path)).toEqual(['leak.txt'])
    expect(record.violations.map((v) => [v.kind, v.path])).toEqual([['secret', 'leak.txt']])
    expect(record.commits).toHaveLength(1)
    expect(fake.outputs.get('patch-file')).toBe(path.join(tmp, 'agent.patch'))
    expect(existsSync(path.join(tmp, 'agent.patch'))).toBe(true)
    expect(readFileSync(transcriptFile, 'utf8')).toBe(
      `${JSON.stringify({
        type: 'airlock/commits',
        commits: [{ sha: record.commits[0]?.sha, subject: 'add [REDACTED]' }],
      })}\n`,
    )
    expect(fake.log).toContain('info Audit: 1 file changed, 1 commit, 1 violation')
  })

  it('looks for the secret inputs too', async () => {
    const baseline = await takeBaseline(repo, privateDir, startLocating(repo), false)
    writeFileSync(path.join(repo, 'key.txt'), `${API_KEY}\n`)
    const record = await auditChanges(baseline, config, {
      privateDir,
      strippedValues: [],
      outDir: tmp,
      transcriptFile: path.join(tmp, 'transcript.jsonl'),
      redactor: new Redactor([API_KEY]),
    })
    expect(record.violations.map((v) => v.kind)).toContain('secret')
    expect(JSON.stringify(record)).not.toContain(API_KEY)
  })
})

describe('startLocating', () => {
  it('leaves a failure for the snapshot to report', async () => {
    const located = startLocating(path.join(tmp, 'not-a-repo'))
    await expect(located).rejects.toThrow()
  })
})

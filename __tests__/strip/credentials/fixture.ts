/**
 * The repository, home and RUNNER_TEMP the credentials tests work in, fresh for each test, and
 * helpers to persist credentials the way actions/checkout does and to check them. Not a test file.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, expect } from 'vitest'
import type { CredentialsChange } from '../../../src/strip/credentials/backup.js'
import { neutralizeGitCredentials } from '../../../src/strip/credentials/neutralize.js'

export const TOKEN = 'ghs_AirlockCanary7Q9xZ2vT5kLmN8pR3sW6yB1cD4fG'
export const DECODED = `x-access-token:${TOKEN}`
export const BASIC = Buffer.from(DECODED, 'utf8').toString('base64')
export const HEADER = `AUTHORIZATION: basic ${BASIC}`
export const CANARIES = [TOKEN, BASIC, DECODED]

export let tmp: string
export let repo: string
export let home: string
export let runnerTemp: string
export let backupDir: string

function gitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  }
}

/** Runs git in `cwd`; returns stdout, or `null` when git exits non-zero. */
export function git(cwd: string, ...args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd,
      env: gitEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
  } catch {
    return null
  }
}

export function snapshot(file: string): { bytes: Buffer; mode: number } {
  return { bytes: fs.readFileSync(file), mode: fs.statSync(file).mode & 0o7777 }
}

export function expectRestored(file: string, before: { bytes: Buffer; mode: number }): void {
  const stat = fs.lstatSync(file)
  expect(stat.isFile()).toBe(true)
  expect(Buffer.compare(fs.readFileSync(file), before.bytes)).toBe(0)
  expect(stat.mode & 0o7777).toBe(before.mode)
}

/** Every credential git can see from inside the repository, includes followed. */
export function visibleCredentials(dir: string): string {
  return [
    git(dir, 'config', '--get-regexp', 'extraheader') ?? '',
    git(dir, 'config', '--get-regexp', '^credential\\.') ?? '',
    git(dir, 'config', '--get-regexp', '^url\\.') ?? '',
    git(dir, 'config', '--get-regexp', '^remote\\..*url$') ?? '',
  ].join('')
}

export function neutralize(dir = repo): Promise<CredentialsChange> {
  return neutralizeGitCredentials(dir, backupDir, { home, runnerTemp })
}

export function expectNoCanary(...texts: string[]): void {
  for (const text of texts) for (const canary of CANARIES) expect(text).not.toContain(canary)
}

export const GITDIR_CONFIG = '.git/config'
export const config = (): string => path.join(repo, GITDIR_CONFIG)

/** Registers, for each test, a fresh repository, home, RUNNER_TEMP and backup folder. */
export function useCredentialsFixture(): void {
  beforeEach(setUp)
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true })
  })
}

function setUp(): void {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-cred-')))
  repo = path.join(tmp, 'work', 'widgets')
  home = path.join(tmp, 'home')
  runnerTemp = path.join(tmp, 'work', '_temp')
  backupDir = path.join(tmp, 'airlock-backup')
  fs.mkdirSync(repo, { recursive: true })
  fs.mkdirSync(home)
  fs.mkdirSync(runnerTemp)
  git(repo, 'init', '-q')
  git(repo, 'config', 'user.name', 'Kept User')
  git(repo, 'remote', 'add', 'origin', 'https://github.com/acme/widgets')
}

/** What actions/checkout v2–v5 leave in `.git/config`. */
export function persistV4(file = config()): void {
  fs.appendFileSync(file, `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`)
}

/** What actions/checkout v6 leaves: a credentials file in RUNNER_TEMP and includeIf entries. */
export function persistV6(): string {
  const credentials = path.join(
    runnerTemp,
    'git-credentials-3d2f9b7e-1c4a-4f8e-9b6d-0a1e2c3d4f5a.config',
  )
  fs.writeFileSync(credentials, `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`, {
    mode: 0o600,
  })
  const gitDir = path.join(repo, '.git')
  const containerFile = `/github/runner_temp/${path.basename(credentials)}`
  fs.appendFileSync(
    config(),
    [
      `[includeIf "gitdir:${gitDir}"]`,
      `\tpath = ${credentials}`,
      `[includeIf "gitdir:${gitDir}/worktrees/*"]`,
      `\tpath = ${credentials}`,
      '[includeIf "gitdir:/github/workspace/.git"]',
      `\tpath = ${containerFile}`,
      '[includeIf "gitdir:/github/workspace/.git/worktrees/*"]',
      `\tpath = ${containerFile}`,
      '',
    ].join('\n'),
  )
  return credentials
}

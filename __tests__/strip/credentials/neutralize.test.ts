import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'

import { MANIFEST_FILE, restoreGitCredentials } from '../../../src/strip/credentials/backup.js'
import { neutralizeGitCredentials } from '../../../src/strip/credentials/neutralize.js'
import {
  useCredentialsFixture,
  TOKEN,
  BASIC,
  config,
  tmp,
  repo,
  home,
  runnerTemp,
  backupDir,
  git,
  snapshot,
  expectRestored,
  visibleCredentials,
  neutralize,
  expectNoCanary,
  persistV4,
  persistV6,
} from './fixture.js'

useCredentialsFixture()

describe('neutralizeGitCredentials', () => {
  it('takes away a v4-style extraheader and puts .git/config back byte for byte, with its mode', async () => {
    persistV4()
    fs.chmodSync(config(), 0o640)
    const before = snapshot(config())
    expect(visibleCredentials(repo)).toContain(BASIC)

    const change = await neutralize()

    expect(git(repo, 'config', '--get-regexp', 'extraheader')).toBeNull()
    expect(visibleCredentials(repo)).not.toContain(BASIC)
    expect(git(repo, 'config', 'user.name')).toBe('Kept User\n')
    expect(change.removed).toEqual(['http.https://github.com/.extraheader in .git/config'])
    expect(change.backups).toHaveLength(1)
    expect(change.backups[0]).toMatchObject({ original: config(), removedOriginal: false })

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(config(), before)
  })

  it('takes away v6-style includeIf entries and moves the credentials file out of RUNNER_TEMP', async () => {
    const credentials = persistV6()
    const before = snapshot(config())
    const beforeCredentials = snapshot(credentials)
    expect(visibleCredentials(repo)).toContain(BASIC)

    const change = await neutralize()

    expect(fs.existsSync(credentials)).toBe(false)
    expect(git(repo, 'config', '--get-regexp', '^includeif\\.')).toBeNull()
    expect(visibleCredentials(repo)).not.toContain(BASIC)
    expect(change.removed).toHaveLength(5)
    expect(change.removed.at(-1)).toBe(`credentials file ${credentials} moved aside`)
    expect(change.backups.find((b) => b.original === credentials)?.removedOriginal).toBe(true)

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(config(), before)
    expectRestored(credentials, beforeCredentials)
    expect(visibleCredentials(repo)).toContain(BASIC)
  })

  it('changes and backs up nothing when there are no credentials', async () => {
    const before = snapshot(config())

    const change = await neutralize()

    expect(change.backups).toEqual([])
    expect(change.removed).toEqual([])
    expect(fs.existsSync(backupDir)).toBe(false)
    expectRestored(config(), before)
    expect(await restoreGitCredentials(change)).toEqual([])
  })

  it('refuses a backup directory that is not empty, before changing anything', async () => {
    persistV4()
    const before = snapshot(config())
    fs.mkdirSync(backupDir)
    fs.writeFileSync(path.join(backupDir, MANIFEST_FILE), '{}')

    await expect(neutralize()).rejects.toThrow(/is not empty/)
    expectRestored(config(), before)
  })

  it('never returns or throws a credential value', async () => {
    persistV4()
    persistV6()
    git(
      repo,
      'remote',
      'set-url',
      'origin',
      `https://x-access-token:${TOKEN}@github.com/acme/widgets`,
    )
    git(repo, 'config', 'credential.helper', `!f() { echo password=${TOKEN}; }; f`)
    git(repo, 'config', `url.https://${TOKEN}@github.com/.insteadOf`, 'git@github.com:')
    fs.writeFileSync(
      path.join(home, '.gitconfig'),
      `[http "https://x-access-token:${TOKEN}@ghe.example.com/"]\n\tsslVerify = true\n`,
    )

    const change = await neutralize()
    expectNoCanary(
      JSON.stringify(change),
      fs.readFileSync(path.join(backupDir, MANIFEST_FILE), 'utf8'),
    )
    expect(visibleCredentials(repo)).not.toContain(TOKEN)
    expect(visibleCredentials(repo)).not.toContain(BASIC)
    expect(await restoreGitCredentials(change)).toEqual([])
    expect(visibleCredentials(repo)).toContain(TOKEN)

    // A failure half-way: git cannot lock .git/config. Everything is put back, the message is clean.
    const before = snapshot(config())
    fs.writeFileSync(`${config()}.lock`, '')
    const failure = await neutralize().then(
      () => new Error('expected a failure'),
      (error: unknown) => error as Error,
    )
    expect(failure.message).toMatch(/^Could not take away git credentials: /)
    expectNoCanary(failure.message, String(failure.stack))
    expectRestored(config(), before)
    expect(fs.existsSync(backupDir)).toBe(false)

    // Restore's warnings are clean too.
    fs.rmSync(`${config()}.lock`)
    const again = await neutralize()
    fs.rmSync(runnerTemp, { recursive: true })
    fs.symlinkSync(tmp, runnerTemp)
    const warnings = await restoreGitCredentials(again)
    expect(warnings.length).toBeGreaterThan(0)
    expectNoCanary(...warnings)
  })

  it('fails and puts everything back when an edit did not take (checked by reading again)', async () => {
    persistV6()
    persistV4()
    const before = snapshot(config())
    const lazyGit = path.join(tmp, 'lazy-git')
    fs.writeFileSync(
      lazyGit,
      '#!/bin/sh\nfor a in "$@"; do [ "$a" = --unset-all ] && exit 0; done\nexec git "$@"\n',
      { mode: 0o755 },
    )

    await expect(
      neutralizeGitCredentials(repo, backupDir, { home, runnerTemp, git: lazyGit }),
    ).rejects.toThrow(/\.git\/config still holds git credentials after editing/)
    expectRestored(config(), before)
    expect(fs.readdirSync(runnerTemp)).toHaveLength(1)
    expect(fs.existsSync(backupDir)).toBe(false)
  })
})

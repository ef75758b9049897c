import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { restoreGitCredentials } from '../../../src/strip/credentials/backup.js'
import {
  useCredentialsFixture,
  TOKEN,
  BASIC,
  HEADER,
  repo,
  home,
  runnerTemp,
  git,
  snapshot,
  expectRestored,
  visibleCredentials,
  neutralize,
  persistV4,
} from './fixture.js'

useCredentialsFixture()

describe('the config files and stores looked at', () => {
  it('moves a v6 credentials file left in RUNNER_TEMP by another checkout, even when nothing includes it', async () => {
    const other = path.join(
      runnerTemp,
      'git-credentials-0a1b2c3d-0000-4000-8000-000000000000.config',
    )
    fs.writeFileSync(other, `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`)
    const before = snapshot(other)

    const change = await neutralize()
    expect(fs.existsSync(other)).toBe(false)

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(other, before)
  })

  it('takes away submodule credentials under .git/modules, however deep the submodule sits', async () => {
    const name = 'vendor/github.com/acme/core'
    const modules = path.join(repo, '.git', 'modules', ...name.split('/'))
    fs.mkdirSync(modules, { recursive: true })
    const subConfig = path.join(modules, 'config')
    fs.writeFileSync(
      subConfig,
      `[core]\n\trepositoryformatversion = 0\n\tworktree = ../../../../../../${name}\n[remote "origin"]\n\turl = https://github.com/acme/core\n[http "https://github.com/"]\n\textraheader = ${HEADER}\n`,
    )
    fs.mkdirSync(path.join(repo, ...name.split('/')), { recursive: true })
    fs.writeFileSync(
      path.join(repo, ...name.split('/'), '.git'),
      `gitdir: ../../../../.git/modules/${name}\n`,
    )
    const before = snapshot(subConfig)

    const change = await neutralize()

    expect(fs.readFileSync(subConfig, 'utf8')).not.toContain(BASIC)
    expect(fs.readFileSync(subConfig, 'utf8')).toContain('url = https://github.com/acme/core')
    expect(change.removed).toEqual([
      `http.https://github.com/.extraheader in .git/modules/${name}/config`,
    ])

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(subConfig, before)
  })

  it('takes away credentials of a nested checkout (actions/checkout with path:)', async () => {
    const nested = path.join(repo, 'tools')
    fs.mkdirSync(nested)
    git(nested, 'init', '-q')
    persistV4(path.join(nested, '.git', 'config'))
    const before = snapshot(path.join(nested, '.git', 'config'))

    const change = await neutralize()

    expect(visibleCredentials(nested)).not.toContain(BASIC)
    expect(change.removed).toEqual(['http.https://github.com/.extraheader in tools/.git/config'])
    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(path.join(nested, '.git', 'config'), before)
  })

  it('takes away a token in ~/.gitconfig insteadOf and moves ~/.git-credentials aside', async () => {
    const globalConfig = path.join(home, '.gitconfig')
    fs.writeFileSync(
      globalConfig,
      `[user]\n\tname = Global\n[url "https://x-access-token:${TOKEN}@github.com/"]\n\tinsteadOf = https://github.com/\n`,
    )
    const store = path.join(home, '.git-credentials')
    fs.writeFileSync(store, `https://x-access-token:${TOKEN}@github.com\n`, { mode: 0o600 })
    const before = snapshot(globalConfig)
    const beforeStore = snapshot(store)

    const change = await neutralize()

    expect(fs.readFileSync(globalConfig, 'utf8')).not.toContain(TOKEN)
    expect(fs.readFileSync(globalConfig, 'utf8')).toContain('name = Global')
    expect(fs.existsSync(store)).toBe(false)
    expect(change.removed).toEqual([
      // The secrets Redactor: the library's basic-auth rule covers the whole URL.
      'url.[REDACTED]/.insteadof in ~/.gitconfig',
      'credential store ~/.git-credentials moved aside',
    ])

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(globalConfig, before)
    expectRestored(store, beforeStore)
  })
})

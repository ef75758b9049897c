import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { restoreGitCredentials } from '../../../src/strip/credentials/backup.js'
import {
  useCredentialsFixture,
  TOKEN,
  BASIC,
  HEADER,
  config,
  repo,
  home,
  runnerTemp,
  git,
  snapshot,
  expectRestored,
  visibleCredentials,
  neutralize,
} from './fixture.js'

useCredentialsFixture()

describe('what is taken from a config file', () => {
  it('strips a token from the remote URL and keeps the URL', async () => {
    git(
      repo,
      'remote',
      'set-url',
      'origin',
      `https://x-access-token:${TOKEN}@github.com/acme/widgets`,
    )
    git(repo, 'remote', 'set-url', '--push', 'origin', `https://${TOKEN}@github.com/acme/widgets`)
    const before = snapshot(config())

    const change = await neutralize()

    expect(git(repo, 'remote', 'get-url', 'origin')).toBe('https://github.com/acme/widgets\n')
    expect(git(repo, 'remote', 'get-url', '--push', 'origin')).toBe(
      'https://github.com/acme/widgets\n',
    )
    expect(change.removed).toEqual([
      'userinfo of remote.origin.url in .git/config',
      'userinfo of remote.origin.pushurl in .git/config',
    ])

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(config(), before)
  })

  it('removes credential helpers and core.askPass', async () => {
    git(repo, 'config', 'credential.helper', 'store')
    git(repo, 'config', '--add', 'credential.helper', `!f() { echo password=${TOKEN}; }; f`)
    git(repo, 'config', 'credential.https://github.com.helper', 'cache --timeout=3600')
    git(repo, 'config', 'credential.https://github.com.username', 'kept-user')
    git(repo, 'config', 'core.askPass', '/usr/local/bin/print-token')
    const before = snapshot(config())

    const change = await neutralize()

    expect(git(repo, 'config', '--get-regexp', 'helper')).toBeNull()
    expect(git(repo, 'config', 'core.askpass')).toBeNull()
    expect(git(repo, 'config', 'credential.https://github.com.username')).toBe('kept-user\n')
    expect(change.removed).toEqual([
      'core.askpass in .git/config',
      'credential.helper in .git/config',
      'credential.https://github.com.helper in .git/config',
    ])

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(config(), before)
  })

  it("moves aside the file a store helper's --file names, and puts it back", async () => {
    const store = path.join(home, 'elsewhere-credentials')
    fs.writeFileSync(store, `https://x-access-token:${TOKEN}@github.com\n`, { mode: 0o600 })
    git(repo, 'config', 'credential.helper', `store --file=${store}`)

    const change = await neutralize()

    expect(fs.existsSync(store)).toBe(false)
    expect(change.removed).toContain('credential.helper in .git/config')
    expect(change.removed.join('\n')).not.toContain(TOKEN)
    expect(await restoreGitCredentials(change)).toEqual([])
    expect(fs.readFileSync(store, 'utf8')).toBe(`https://x-access-token:${TOKEN}@github.com\n`)
  })

  it("takes away checkout's core.sshCommand and moves its SSH key out of RUNNER_TEMP", async () => {
    const key = path.join(runnerTemp, '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a')
    fs.writeFileSync(
      key,
      '-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n',
      {
        mode: 0o600,
      },
    )
    git(
      repo,
      'config',
      'core.sshCommand',
      `"/usr/bin/ssh" -i "$RUNNER_TEMP/${path.basename(key)}" -o StrictHostKeyChecking=yes`,
    )
    const beforeKey = snapshot(key)

    const change = await neutralize()

    expect(fs.existsSync(key)).toBe(false)
    expect(git(repo, 'config', 'core.sshcommand')).toBeNull()
    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(key, beforeKey)
  })

  it('takes away every include of a credential-bearing file outside RUNNER_TEMP, and keeps the others', async () => {
    const secrets = path.join(home, '.gitconfig-ci')
    fs.writeFileSync(secrets, `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`)
    fs.writeFileSync(path.join(repo, '.git', 'kept.config'), '[user]\n\temail = kept@example.com\n')
    fs.appendFileSync(
      config(),
      [
        '[include]',
        '\tpath = ~/.gitconfig-ci',
        `[includeIf "gitdir:${repo}/.git"]`,
        `\tpath = ${secrets}`,
        '[includeIf "onbranch:main"]',
        '\tpath = kept.config',
        '',
      ].join('\n'),
    )
    const before = snapshot(config())
    const beforeSecrets = snapshot(secrets)
    expect(visibleCredentials(repo)).toContain(BASIC)

    const change = await neutralize()

    expect(fs.existsSync(secrets)).toBe(false)
    expect(git(repo, 'config', '--get-regexp', '^include')).toBe(
      'includeif.onbranch:main.path kept.config\n',
    )
    expect(visibleCredentials(repo)).not.toContain(BASIC)
    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(config(), before)
    expectRestored(secrets, beforeSecrets)
  })

  it('finishes on an include cycle and still takes the credential away', async () => {
    const a = path.join(home, 'a.config')
    const b = path.join(home, 'b.config')
    fs.writeFileSync(a, `[include]\n\tpath = b.config\n`)
    fs.writeFileSync(b, `[include]\n\tpath = a.config\n[http]\n\textraheader = ${HEADER}\n`)
    fs.appendFileSync(config(), `[include]\n\tpath = ${a}\n`)

    const change = await neutralize()

    expect(fs.existsSync(a)).toBe(false)
    expect(fs.existsSync(b)).toBe(false)
    expect(fs.readFileSync(config(), 'utf8')).not.toContain(a)
    expect(await restoreGitCredentials(change)).toEqual([])
  })
})

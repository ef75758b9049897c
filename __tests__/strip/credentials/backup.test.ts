import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  MANIFEST_FILE,
  readCredentialsChange,
  restoreGitCredentials,
  type CredentialsChange,
} from '../../../src/strip/credentials/backup.js'
import {
  useCredentialsFixture,
  config,
  tmp,
  runnerTemp,
  backupDir,
  snapshot,
  expectRestored,
  neutralize,
  persistV4,
  persistV6,
} from './fixture.js'

useCredentialsFixture()

describe('restoreGitCredentials and the backup', () => {
  it('restoring twice changes nothing the second time', async () => {
    persistV4()
    const before = snapshot(config())
    const change = await neutralize()

    expect(await restoreGitCredentials(change)).toEqual([])
    fs.appendFileSync(config(), '[later]\n\tstep = wrote this\n')
    const afterLaterStep = snapshot(config())
    expect(await restoreGitCredentials(change)).toEqual([])

    expectRestored(config(), afterLaterStep)
    expect(afterLaterStep.bytes.subarray(0, before.bytes.length)).toEqual(before.bytes)
    expect(fs.existsSync(backupDir)).toBe(false)
  })

  const tampering: { name: string; tamper: (file: string) => void }[] = [
    {
      name: 'deleted',
      tamper: (file) => {
        fs.rmSync(file)
      },
    },
    {
      name: 'rewritten',
      tamper: (file) => {
        fs.writeFileSync(file, '[core]\n\thooksPath = /tmp/evil\n')
      },
    },
    {
      name: 'replaced by a link to a file outside',
      tamper: (file) => {
        fs.rmSync(file)
        fs.symlinkSync(path.join(tmp, 'victim'), file)
      },
    },
    {
      name: 'replaced by a directory',
      tamper: (file) => {
        fs.rmSync(file)
        fs.mkdirSync(file)
        fs.writeFileSync(path.join(file, 'x'), 'x')
      },
    },
  ]

  it.each(tampering)('puts .git/config back after the agent $name it', async ({ tamper }) => {
    persistV4()
    const victim = path.join(tmp, 'victim')
    fs.writeFileSync(victim, 'victim bytes\n')
    const before = snapshot(config())
    const change = await neutralize()

    tamper(config())

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(config(), before)
    expect(fs.readFileSync(victim, 'utf8')).toBe('victim bytes\n')
  })

  it('puts back a moved credentials file even after RUNNER_TEMP itself was deleted', async () => {
    const credentials = persistV6()
    const before = snapshot(credentials)
    const change = await neutralize()

    fs.rmSync(runnerTemp, { recursive: true })

    expect(await restoreGitCredentials(change)).toEqual([])
    expectRestored(credentials, before)
  })

  it('refuses to write through a parent directory that became a link, and keeps the backup', async () => {
    const credentials = persistV6()
    const change = await neutralize()
    const elsewhere = path.join(tmp, 'elsewhere')
    fs.mkdirSync(elsewhere)
    fs.rmSync(runnerTemp, { recursive: true })
    fs.symlinkSync(elsewhere, runnerTemp)

    const warnings = await restoreGitCredentials(change)

    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('not writing through a link')
    expect(fs.readdirSync(elsewhere)).toEqual([])
    expect(fs.existsSync(change.backups.find((b) => b.original === credentials)!.backup)).toBe(true)
  })

  it('keeps the copies private and writes the manifest before changing anything', async () => {
    persistV6()
    const change = await neutralize()

    expect(fs.statSync(backupDir).mode & 0o777).toBe(0o700)
    for (const backup of change.backups) expect(fs.statSync(backup.backup).mode & 0o777).toBe(0o600)
    expect(await readCredentialsChange(backupDir)).toEqual(change)
    expect(fs.statSync(path.join(backupDir, MANIFEST_FILE)).mode & 0o777).toBe(0o600)

    expect(await restoreGitCredentials(change)).toEqual([])
    expect(await readCredentialsChange(backupDir)).toBeNull()
  })

  it('never throws from restore, even for a malformed record', async () => {
    const warnings = await restoreGitCredentials({ nonsense: true } as unknown as CredentialsChange)
    expect(warnings).toEqual(['The git credentials record is malformed; nothing was restored.'])
  })
})

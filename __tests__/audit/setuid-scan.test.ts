import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  parseFindOutput,
  parseGetcap,
  privilegedViolations,
  scanPrivilegedFiles,
  setIdBits,
} from '../../src/audit/setuid-scan.js'

describe('parsing', () => {
  it('reads find -print0 output, names with spaces and newlines included', () => {
    expect(parseFindOutput('/w/a b\0/w/dir/new\nline\0', '/w')).toEqual(['a b', 'dir/new\nline'])
    expect(parseFindOutput('', '/w')).toEqual([])
  })

  it('reads both getcap formats', () => {
    const out = parseGetcap('/w/ping cap_net_raw=ep\n/w/old tool = cap_net_admin+ep\nnoise\n', '/w')
    expect([...out]).toEqual([
      ['ping', 'cap_net_raw=ep'],
      ['old tool', 'cap_net_admin+ep'],
    ])
  })
})

describe('setIdBits', () => {
  it.each([
    [0o100755, null],
    [0o104755, 'setuid'],
    [0o102755, 'setgid'],
    [0o106755, 'setuid+setgid'],
    [0o101755, null],
    [0o4000, 'setuid'],
  ])('mode %o → %s', (mode, what) => {
    expect(setIdBits(mode)).toBe(what)
  })
})

describe('privilegedViolations', () => {
  const scan = (entries: [string, string][]) => ({
    files: new Map(entries),
    capabilitiesChecked: true,
  })

  it('flags files that became privileged or changed how, not those that already were', () => {
    const before = scan([
      ['tools/ping', 'cap_net_raw=ep'],
      ['bin/su', 'setuid'],
    ])
    const after = scan([
      ['tools/ping', 'cap_net_raw=ep'],
      ['bin/su', 'setuid+setgid'],
      ['run.sh', 'cap_sys_admin=ep'],
    ])
    expect(privilegedViolations(before, after).map((v) => [v.kind, v.path, v.rule])).toEqual([
      ['privileged-file', 'bin/su', 'setuid+setgid'],
      ['privileged-file', 'run.sh', 'cap_sys_admin=ep'],
    ])
  })
})

describe.runIf(process.getuid?.() === 0)('scanPrivilegedFiles on a real folder (as root)', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('finds setuid, setgid and file capabilities, and nothing else', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-priv-'))
    writeFileSync(path.join(dir, 'plain'), 'x')
    writeFileSync(path.join(dir, 'suid'), 'x')
    chmodSync(path.join(dir, 'suid'), 0o4755)
    writeFileSync(path.join(dir, 'sgid'), 'x')
    chmodSync(path.join(dir, 'sgid'), 0o2755)
    mkdirSync(path.join(dir, '.git', 'hooks'), { recursive: true })
    writeFileSync(path.join(dir, '.git', 'hooks', 'both'), 'x')
    chmodSync(path.join(dir, '.git', 'hooks', 'both'), 0o6755)
    writeFileSync(path.join(dir, 'sticky'), 'x')
    chmodSync(path.join(dir, 'sticky'), 0o1755)
    symlinkSync('suid', path.join(dir, 'link-to-suid'))
    copyFileSync('/bin/true', path.join(dir, 'capable'))
    execFileSync('setcap', ['cap_net_raw+ep', path.join(dir, 'capable')])
    const found = await scanPrivilegedFiles(dir)
    expect(found.capabilitiesChecked).toBe(true)
    expect(Object.fromEntries(found.files)).toEqual({
      suid: 'setuid',
      sgid: 'setgid',
      '.git/hooks/both': 'setuid+setgid',
      capable: 'cap_net_raw=ep',
    })
  })

  it('fails rather than skip a setuid file whose path is too long to read its mode', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-priv-'))
    // 25 folders of 200 characters: find walks them, a single path to the file is too long.
    const script =
      'cd "$1" && for i in $(seq 25); do mkdir "$2" && cd -P "$2" || exit 1; done && touch f && chmod 4755 f'
    try {
      execFileSync('sh', ['-c', script, 'sh', dir, 'd'.repeat(200)])
      await expect(scanPrivilegedFiles(dir)).rejects.toThrow(/ENAMETOOLONG/)
    } finally {
      execFileSync('rm', ['-rf', '--', dir]) // rmSync cannot remove a path this long
    }
  })
})

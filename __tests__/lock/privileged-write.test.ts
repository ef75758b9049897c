import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/**
 * Every program the module starts is recorded here instead of run (sudo, sysctl: this test may run
 * as root), except `cp`, which runs for real on the temp folder. `failing` programs throw the way
 * execFileSync does on a non-zero exit.
 */
const exec = vi.hoisted(() => ({
  calls: [] as { file: string; args: string[]; options: Record<string, unknown> | undefined }[],
  failing: new Set<string>(),
}))

vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:child_process')>()
  const execFileSync = (
    file: string,
    args: readonly string[],
    options?: Record<string, unknown>,
  ): Buffer => {
    exec.calls.push({ file, args: [...args], options })
    if (exec.failing.has(file)) throw new Error(`Command failed: ${file}`)
    if (file === 'cp') return actual.execFileSync(file, args, options) as Buffer
    return Buffer.alloc(0)
  }
  return { ...actual, execFileSync }
})

const {
  APPARMOR_USERNS_SYSCTL,
  hasPasswordlessSudo,
  isRoot,
  privilegedFs,
  privilegedFsFor,
  setSysctl,
} = await import('../../src/lock/privileged-write.js')

let dir: string

beforeEach(() => {
  exec.calls.length = 0
  exec.failing.clear()
  dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-privileged-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  vi.restoreAllMocks()
})

describe('privilegedFsFor(true): one `sudo -n` command per operation', () => {
  const fs = privilegedFsFor(true)
  const cases: { name: string; run: () => void; args: string[] }[] = [
    {
      name: 'mkdir',
      run: () => fs.mkdir('/etc/claude-code'),
      args: ['mkdir', '-p', '-m', '755', '--', '/etc/claude-code'],
    },
    {
      name: 'install (mode in octal, owner and group root)',
      run: () => fs.install('/tmp/p/staged.json', '/etc/claude-code/managed-settings.json', 0o644),
      args: [
        'install',
        '-m',
        '644',
        '-o',
        'root',
        '-g',
        'root',
        '--',
        '/tmp/p/staged.json',
        '/etc/claude-code/managed-settings.json',
      ],
    },
    {
      name: 'copy (mode, owner and times kept)',
      run: () => fs.copy('/etc/claude-code/managed-settings.json', '/tmp/p/backup.json'),
      args: ['cp', '-p', '--', '/etc/claude-code/managed-settings.json', '/tmp/p/backup.json'],
    },
    {
      name: 'move',
      run: () => fs.move('/etc/claude-code/managed-settings.d', '/etc/claude-code/d.moved'),
      args: ['mv', '-f', '--', '/etc/claude-code/managed-settings.d', '/etc/claude-code/d.moved'],
    },
    {
      name: 'remove',
      run: () => fs.remove('/etc/claude-code/managed-settings.json'),
      args: ['rm', '-f', '--', '/etc/claude-code/managed-settings.json'],
    },
    {
      name: 'removeEmptyDir',
      run: () => fs.removeEmptyDir('/etc/claude-code'),
      args: ['rmdir', '--', '/etc/claude-code'],
    },
  ]

  it.each(cases)('$name', ({ run, args }) => {
    run()
    expect(exec.calls).toEqual([
      {
        file: 'sudo',
        args: ['-n', ...args],
        options: { stdio: ['ignore', 'ignore', 'pipe'] },
      },
    ])
  })

  it('says it goes through sudo', () => {
    expect(fs.viaSudo).toBe(true)
  })

  it('keeps a path that looks like an option an operand (after `--`)', () => {
    fs.remove('-rf')
    expect(exec.calls[0]?.args).toEqual(['-n', 'rm', '-f', '--', '-rf'])
  })

  it.each(cases.filter((c) => c.name !== 'removeEmptyDir'))(
    '$name throws when sudo fails',
    ({ run }) => {
      exec.failing.add('sudo')
      expect(run).toThrow(/Command failed: sudo/)
    },
  )

  it('removeEmptyDir leaves a folder it cannot remove (not empty) without throwing', () => {
    exec.failing.add('sudo')
    expect(() => fs.removeEmptyDir('/etc/claude-code')).not.toThrow()
  })
})

describe('privilegedFsFor(false): plain file operations, as root', () => {
  const fs = privilegedFsFor(false)

  it('says it does not use sudo, and never starts it', () => {
    expect(fs.viaSudo).toBe(false)
    const file = path.join(dir, 'a')
    writeFileSync(file, 'x')
    fs.mkdir(path.join(dir, 'd'))
    fs.install(file, path.join(dir, 'd', 'b'), 0o644)
    fs.copy(file, path.join(dir, 'c'))
    fs.move(path.join(dir, 'c'), path.join(dir, 'e'))
    fs.remove(path.join(dir, 'e'))
    fs.removeEmptyDir(path.join(dir, 'd'))
    expect(exec.calls.map((c) => c.file)).toEqual(['cp'])
  })

  it('mkdir makes the folder and its parents', () => {
    fs.mkdir(path.join(dir, 'etc', 'claude-code'))
    expect(statSync(path.join(dir, 'etc', 'claude-code')).isDirectory()).toBe(true)
  })

  it('install writes the bytes with the mode asked, in one rename, leaving no staged file', () => {
    const from = path.join(dir, 'staged.json')
    const to = path.join(dir, 'managed-settings.json')
    const bytes = Buffer.from([0x7b, 0x00, 0xff, 0x0a, 0x7d])
    writeFileSync(from, bytes, { mode: 0o600 })
    writeFileSync(to, 'old')
    fs.install(from, to, 0o644)
    expect(readFileSync(to)).toEqual(bytes)
    expect(statSync(to).mode & 0o777).toBe(0o644)
    expect(readdirSync(dir).sort()).toEqual(['managed-settings.json', 'staged.json'])
  })

  it('copy keeps the bytes and the mode, with `cp -p` as an argument array', () => {
    const from = path.join(dir, 'managed-settings.json')
    writeFileSync(from, '{"a": 1}\n')
    chmodSync(from, 0o640)
    fs.copy(from, path.join(dir, 'backup.json'))
    expect(readFileSync(path.join(dir, 'backup.json'), 'utf8')).toBe('{"a": 1}\n')
    expect(statSync(path.join(dir, 'backup.json')).mode & 0o777).toBe(0o640)
    expect(exec.calls).toEqual([
      { file: 'cp', args: ['-p', '--', from, path.join(dir, 'backup.json')], options: undefined },
    ])
  })

  it('move renames, remove deletes and does not mind a missing file', () => {
    mkdirSync(path.join(dir, 'managed-settings.d'))
    fs.move(path.join(dir, 'managed-settings.d'), path.join(dir, 'moved'))
    expect(readdirSync(dir)).toEqual(['moved'])
    writeFileSync(path.join(dir, 'f'), '')
    fs.remove(path.join(dir, 'f'))
    expect(existsSync(path.join(dir, 'f'))).toBe(false)
    expect(() => fs.remove(path.join(dir, 'f'))).not.toThrow()
  })

  it('removeEmptyDir removes an empty folder and leaves one that is not empty or is gone', () => {
    mkdirSync(path.join(dir, 'empty'))
    mkdirSync(path.join(dir, 'full'))
    writeFileSync(path.join(dir, 'full', 'drop-in.json'), '{}')
    fs.removeEmptyDir(path.join(dir, 'empty'))
    fs.removeEmptyDir(path.join(dir, 'full'))
    expect(() => fs.removeEmptyDir(path.join(dir, 'gone'))).not.toThrow()
    expect(readdirSync(dir)).toEqual(['full'])
  })
})

describe('setSysctl', () => {
  it('runs `sudo -n sysctl -q -w key=value` when asked to use sudo', () => {
    setSysctl(APPARMOR_USERNS_SYSCTL, '0', true)
    expect(exec.calls).toEqual([
      {
        file: 'sudo',
        args: ['-n', 'sysctl', '-q', '-w', 'kernel.apparmor_restrict_unprivileged_userns=0'],
        options: { stdio: ['ignore', 'ignore', 'pipe'] },
      },
    ])
  })

  it('runs `sysctl -q -w key=value` itself otherwise', () => {
    setSysctl(APPARMOR_USERNS_SYSCTL, '1', false)
    expect(exec.calls).toEqual([
      {
        file: 'sysctl',
        args: ['-q', '-w', 'kernel.apparmor_restrict_unprivileged_userns=1'],
        options: { stdio: ['ignore', 'ignore', 'pipe'] },
      },
    ])
  })

  it.each([true, false])('throws when the command fails (sudo: %s)', (useSudo) => {
    exec.failing.add(useSudo ? 'sudo' : 'sysctl')
    expect(() => setSysctl(APPARMOR_USERNS_SYSCTL, '0', useSudo)).toThrow(/Command failed/)
  })
})

describe('privilegedFs: root, else passwordless sudo, else nothing', () => {
  it('is the plain implementation as root, without asking sudo', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(0)
    expect(isRoot()).toBe(true)
    expect(privilegedFs()?.viaSudo).toBe(false)
    expect(exec.calls).toEqual([])
  })

  it('is sudo when not root and `sudo -n true` works', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1001)
    expect(isRoot()).toBe(false)
    expect(privilegedFs()?.viaSudo).toBe(true)
    expect(exec.calls).toEqual([
      { file: 'sudo', args: ['-n', 'true'], options: { stdio: 'ignore', timeout: 10_000 } },
    ])
  })

  it('is null (the lock cannot be written) when not root and sudo asks for a password', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1001)
    exec.failing.add('sudo')
    expect(hasPasswordlessSudo()).toBe(false)
    expect(privilegedFs()).toBeNull()
  })

  it('never passes a shell option to any command', () => {
    privilegedFsFor(true).mkdir('/etc/claude-code')
    setSysctl(APPARMOR_USERNS_SYSCTL, '0', false)
    hasPasswordlessSudo()
    for (const call of exec.calls) expect(call.options?.shell).toBeUndefined()
  })
})

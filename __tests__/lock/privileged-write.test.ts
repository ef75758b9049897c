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
 * Every command the module runs goes through `@actions/exec`, recorded here instead of run (sudo,
 * sysctl: this test may run as root), except `cp`, which runs for real on the temp folder.
 * `failing` programs exit 1 with `stderr`; `missing` ones cannot be started. The quiet probe
 * (`sudo -n true`) still uses `execFileSync`, recorded in `probes`.
 */
const exec = vi.hoisted(() => ({
  calls: [] as { command: string; args: string[]; options: Record<string, unknown> | undefined }[],
  probes: [] as { file: string; args: string[]; options: Record<string, unknown> | undefined }[],
  failing: new Map<string, string>(),
  missing: new Set<string>(),
}))

vi.mock('@actions/exec', async () => {
  const { execFileSync } =
    await vi.importActual<typeof import('node:child_process')>('node:child_process')
  return {
    exec: vi.fn(() => Promise.reject(new Error('privileged-write uses getExecOutput'))),
    getExecOutput: vi.fn(
      (command: string, args: string[] = [], options?: Record<string, unknown>) => {
        exec.calls.push({ command, args: [...args], options })
        if (exec.missing.has(command)) {
          return Promise.reject(new Error(`Unable to locate executable file: ${command}.`))
        }
        const stderr = exec.failing.get(command)
        if (stderr !== undefined) return Promise.resolve({ exitCode: 1, stdout: '', stderr })
        if (command === 'cp') execFileSync(command, args)
        return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' })
      },
    ),
  }
})

vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:child_process')>()
  const execFileSync = (
    file: string,
    args: readonly string[],
    options?: Record<string, unknown>,
  ): Buffer => {
    exec.probes.push({ file, args: [...args], options })
    if (exec.failing.has(file)) throw new Error(`Command failed: ${file}`)
    return Buffer.alloc(0)
  }
  return { ...actual, execFileSync }
})

/** What every command is run with: the exit code checked here, stdin closed, echoed (not silent). */
const OPTIONS = { ignoreReturnCode: true, input: Buffer.alloc(0) }

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
  exec.probes.length = 0
  exec.failing.clear()
  exec.missing.clear()
  dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-privileged-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  vi.restoreAllMocks()
})

describe('privilegedFsFor(true): one `sudo -n` command per operation', () => {
  const fs = privilegedFsFor(true)
  const cases: { name: string; run: () => Promise<void>; args: string[] }[] = [
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
      name: 'removeEmptyDir (a folder that is not empty is left, quietly)',
      run: () => fs.removeEmptyDir('/etc/claude-code'),
      args: ['rmdir', '--ignore-fail-on-non-empty', '--', '/etc/claude-code'],
    },
  ]

  it.each(cases)('$name', async ({ run, args }) => {
    await run()
    expect(exec.calls).toEqual([{ command: 'sudo', args: ['-n', ...args], options: OPTIONS }])
    expect(exec.probes).toEqual([])
  })

  it('says it goes through sudo', () => {
    expect(fs.viaSudo).toBe(true)
  })

  it('keeps a path that looks like an option an operand (after `--`)', async () => {
    await fs.remove('-rf')
    expect(exec.calls[0]?.args).toEqual(['-n', 'rm', '-f', '--', '-rf'])
  })

  it.each(cases.filter((c) => !c.name.startsWith('removeEmptyDir')))(
    '$name rejects, naming the command and with its stderr, when sudo fails',
    async ({ run, args }) => {
      exec.failing.set('sudo', 'sudo: a password is required\n')
      await expect(run()).rejects.toThrow(
        `\`sudo -n ${args.join(' ')}\` failed with exit code 1: sudo: a password is required`,
      )
    },
  )

  it('puts a failing command in one line of the error, its stderr lines joined', async () => {
    exec.failing.set('sudo', "mv: cannot move 'a'\n  to 'b': Permission denied\n")
    await expect(fs.move('a', 'b')).rejects.toThrow(
      /^`sudo -n mv -f -- a b` failed with exit code 1: mv: cannot move 'a' to 'b': Permission denied$/,
    )
  })

  it('rejects, naming the command, when sudo cannot be started', async () => {
    exec.missing.add('sudo')
    await expect(fs.mkdir('/etc/claude-code')).rejects.toThrow(
      '`sudo -n mkdir -p -m 755 -- /etc/claude-code` could not be run: Unable to locate executable file: sudo.',
    )
  })

  it('removeEmptyDir leaves a folder it cannot remove (gone) without rejecting', async () => {
    exec.failing.set(
      'sudo',
      "rmdir: failed to remove '/etc/claude-code': No such file or directory",
    )
    await expect(fs.removeEmptyDir('/etc/claude-code')).resolves.toBeUndefined()
    exec.missing.add('sudo')
    await expect(fs.removeEmptyDir('/etc/claude-code')).resolves.toBeUndefined()
  })
})

describe('privilegedFsFor(false): plain file operations, as root', () => {
  const fs = privilegedFsFor(false)

  it('says it does not use sudo, and never starts it', async () => {
    expect(fs.viaSudo).toBe(false)
    const file = path.join(dir, 'a')
    writeFileSync(file, 'x')
    await fs.mkdir(path.join(dir, 'd'))
    await fs.install(file, path.join(dir, 'd', 'b'), 0o644)
    await fs.copy(file, path.join(dir, 'c'))
    await fs.move(path.join(dir, 'c'), path.join(dir, 'e'))
    await fs.remove(path.join(dir, 'e'))
    await fs.removeEmptyDir(path.join(dir, 'd'))
    expect(exec.calls.map((c) => c.command)).toEqual(['cp'])
    expect(exec.probes).toEqual([])
  })

  it('mkdir makes the folder and its parents', async () => {
    await fs.mkdir(path.join(dir, 'etc', 'claude-code'))
    expect(statSync(path.join(dir, 'etc', 'claude-code')).isDirectory()).toBe(true)
  })

  it('install writes the bytes with the mode asked, in one rename, leaving no staged file', async () => {
    const from = path.join(dir, 'staged.json')
    const to = path.join(dir, 'managed-settings.json')
    const bytes = Buffer.from([0x7b, 0x00, 0xff, 0x0a, 0x7d])
    writeFileSync(from, bytes, { mode: 0o600 })
    writeFileSync(to, 'old')
    await fs.install(from, to, 0o644)
    expect(readFileSync(to)).toEqual(bytes)
    expect(statSync(to).mode & 0o777).toBe(0o644)
    expect(readdirSync(dir).sort()).toEqual(['managed-settings.json', 'staged.json'])
  })

  it('copy keeps the bytes and the mode, with `cp -p` as an argument array', async () => {
    const from = path.join(dir, 'managed-settings.json')
    writeFileSync(from, '{"a": 1}\n')
    chmodSync(from, 0o640)
    await fs.copy(from, path.join(dir, 'backup.json'))
    expect(readFileSync(path.join(dir, 'backup.json'), 'utf8')).toBe('{"a": 1}\n')
    expect(statSync(path.join(dir, 'backup.json')).mode & 0o777).toBe(0o640)
    expect(exec.calls).toEqual([
      { command: 'cp', args: ['-p', '--', from, path.join(dir, 'backup.json')], options: OPTIONS },
    ])
  })

  it('copy rejects, naming the command, when cp fails', async () => {
    exec.failing.set('cp', "cp: cannot stat '/nowhere': No such file or directory\n")
    await expect(fs.copy('/nowhere', path.join(dir, 'b'))).rejects.toThrow(
      `\`cp -p -- /nowhere ${path.join(dir, 'b')}\` failed with exit code 1: cp: cannot stat '/nowhere': No such file or directory`,
    )
  })

  it('rejects (never throws synchronously) when a plain operation fails', async () => {
    const moving = fs.move(path.join(dir, 'gone'), path.join(dir, 'x'))
    await expect(moving).rejects.toThrow(/ENOENT/)
    await expect(fs.install(path.join(dir, 'gone'), path.join(dir, 'x'), 0o644)).rejects.toThrow(
      /ENOENT/,
    )
  })

  it('move renames, remove deletes and does not mind a missing file', async () => {
    mkdirSync(path.join(dir, 'managed-settings.d'))
    await fs.move(path.join(dir, 'managed-settings.d'), path.join(dir, 'moved'))
    expect(readdirSync(dir)).toEqual(['moved'])
    writeFileSync(path.join(dir, 'f'), '')
    await fs.remove(path.join(dir, 'f'))
    expect(existsSync(path.join(dir, 'f'))).toBe(false)
    await expect(fs.remove(path.join(dir, 'f'))).resolves.toBeUndefined()
  })

  it('removeEmptyDir removes an empty folder and leaves one that is not empty or is gone', async () => {
    mkdirSync(path.join(dir, 'empty'))
    mkdirSync(path.join(dir, 'full'))
    writeFileSync(path.join(dir, 'full', 'drop-in.json'), '{}')
    await fs.removeEmptyDir(path.join(dir, 'empty'))
    await fs.removeEmptyDir(path.join(dir, 'full'))
    await expect(fs.removeEmptyDir(path.join(dir, 'gone'))).resolves.toBeUndefined()
    expect(readdirSync(dir)).toEqual(['full'])
  })
})

describe('setSysctl', () => {
  it('runs `sudo -n sysctl -q -w key=value` when asked to use sudo', async () => {
    await setSysctl(APPARMOR_USERNS_SYSCTL, '0', true)
    expect(exec.calls).toEqual([
      {
        command: 'sudo',
        args: ['-n', 'sysctl', '-q', '-w', 'kernel.apparmor_restrict_unprivileged_userns=0'],
        options: OPTIONS,
      },
    ])
  })

  it('runs `sysctl -q -w key=value` itself otherwise', async () => {
    await setSysctl(APPARMOR_USERNS_SYSCTL, '1', false)
    expect(exec.calls).toEqual([
      {
        command: 'sysctl',
        args: ['-q', '-w', 'kernel.apparmor_restrict_unprivileged_userns=1'],
        options: OPTIONS,
      },
    ])
  })

  it.each([
    [true, 'sudo', '`sudo -n sysctl -q -w kernel.apparmor_restrict_unprivileged_userns=0`'],
    [false, 'sysctl', '`sysctl -q -w kernel.apparmor_restrict_unprivileged_userns=0`'],
  ])('rejects, naming the command, when it fails (sudo: %s)', async (useSudo, program, shown) => {
    exec.failing.set(program, 'sysctl: permission denied on key "kernel.x"\n')
    await expect(setSysctl(APPARMOR_USERNS_SYSCTL, '0', useSudo)).rejects.toThrow(
      `${shown} failed with exit code 1: sysctl: permission denied on key "kernel.x"`,
    )
  })
})

describe('privilegedFs: root, else passwordless sudo, else nothing', () => {
  it('is the plain implementation as root, without asking sudo', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(0)
    expect(isRoot()).toBe(true)
    expect(privilegedFs()?.viaSudo).toBe(false)
    expect(exec.probes).toEqual([])
    expect(exec.calls).toEqual([])
  })

  it('is sudo when not root and `sudo -n true` works (a quiet probe, not echoed)', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1001)
    expect(isRoot()).toBe(false)
    expect(privilegedFs()?.viaSudo).toBe(true)
    expect(exec.probes).toEqual([
      { file: 'sudo', args: ['-n', 'true'], options: { stdio: 'ignore', timeout: 10_000 } },
    ])
    expect(exec.calls).toEqual([])
  })

  it('is null (the lock cannot be written) when not root and sudo asks for a password', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1001)
    exec.failing.set('sudo', 'sudo: a password is required')
    expect(hasPasswordlessSudo()).toBe(false)
    expect(privilegedFs()).toBeNull()
  })

  it('never uses a shell: a bare program name, an argument array, no shell option', async () => {
    const sudoFs = privilegedFsFor(true)
    await sudoFs.mkdir('/etc/claude-code')
    await sudoFs.install('/tmp/a b', '/etc/claude-code/x; rm -rf /', 0o644)
    await sudoFs.copy('$(id)', '`id`')
    await sudoFs.move('a', 'b')
    await sudoFs.remove('*')
    await sudoFs.removeEmptyDir('/etc/claude-code')
    await setSysctl(APPARMOR_USERNS_SYSCTL, '0', true)
    await setSysctl(APPARMOR_USERNS_SYSCTL, '0', false)
    writeFileSync(path.join(dir, 'a'), '')
    await privilegedFsFor(false).copy(path.join(dir, 'a'), path.join(dir, 'x'))
    hasPasswordlessSudo()
    expect(exec.calls.map((c) => c.command)).toEqual([
      'sudo',
      'sudo',
      'sudo',
      'sudo',
      'sudo',
      'sudo',
      'sudo',
      'sysctl',
      'cp',
    ])
    for (const call of exec.calls) expect(call.command).toMatch(/^[a-z]+$/)
    for (const call of [...exec.calls, ...exec.probes]) {
      expect(call.options?.shell).toBeUndefined()
    }
    expect(exec.calls[1]?.args.slice(-2)).toEqual(['/tmp/a b', '/etc/claude-code/x; rm -rf /'])
    expect(exec.calls[2]?.args.slice(-2)).toEqual(['$(id)', '`id`'])
  })
})

import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ManagedSettings } from '../../src/lock/policy.js'
import type { PrivilegedFs } from '../../src/lock/privileged-write.js'

/** Stands for the machine's `/`: the managed settings folder is moved under it for these tests. */
const ROOT = vi.hoisted(
  () => `${process.env.TMPDIR ?? '/tmp'}/airlock-managed-settings-${process.pid}-${Date.now()}`,
)

vi.mock('../../src/lock/defaults.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/lock/defaults.js')>()
  const dir = `${ROOT}/etc/claude-code`
  return {
    ...actual,
    MANAGED_SETTINGS_DIR: dir,
    MANAGED_SETTINGS_FILE: `${dir}/managed-settings.json`,
    MANAGED_SETTINGS_DROPIN_DIR: `${dir}/managed-settings.d`,
  }
})

const { MANAGED_SETTINGS_DIR, MANAGED_SETTINGS_DROPIN_DIR, MANAGED_SETTINGS_FILE } =
  await import('../../src/lock/defaults.js')
const { installManagedSettings, planSettingsChange, restoreManagedSettings } =
  await import('../../src/lock/managed-settings.js')

const PRIVATE = path.join(ROOT, 'runner-temp', 'airlock-Xy12')
const SETTINGS = { permissions: { deny: ['Read(//proc/**)'] } } as unknown as ManagedSettings

/**
 * A PrivilegedFs over the temp folder: does what the real one does with plain fs calls, records
 * each operation, and refuses any path outside the temp folder (so a broken mock above can never
 * reach the real /etc/claude-code). Each operation is done a turn of the event loop later, as a
 * command would be, and refuses to start while another is still running: a caller that does not
 * wait for one operation before the next sees it fail.
 */
function fakeFs(failing: ReadonlySet<string> = new Set()): PrivilegedFs & { ops: string[][] } {
  const ops: string[][] = []
  let running: string | null = null
  const op = async (name: string, paths: string[], work: () => void): Promise<void> => {
    for (const p of paths) {
      if (!p.startsWith(`${ROOT}/`)) throw new Error(`the test's PrivilegedFs refuses ${p}`)
    }
    if (running !== null) throw new Error(`${name} started before ${running} was done`)
    running = name
    ops.push([name, ...paths.map((p) => path.relative(ROOT, p))])
    try {
      await new Promise((resolve) => setImmediate(resolve))
      if (failing.has(name)) throw new Error(`${name} failed\nsecond line`)
      work()
    } finally {
      running = null
    }
  }
  return {
    ops,
    viaSudo: false,
    mkdir: (dir) =>
      op('mkdir', [dir], () => {
        mkdirSync(dir, { recursive: true })
      }),
    install: (from, to, mode) =>
      op('install', [from, to], () => {
        copyFileSync(from, to)
        chmodSync(to, mode)
      }),
    copy: (from, to) =>
      op('copy', [from, to], () => {
        copyFileSync(from, to)
        chmodSync(to, statSync(from).mode & 0o7777)
      }),
    move: (from, to) =>
      op('move', [from, to], () => {
        renameSync(from, to)
      }),
    remove: (file) =>
      op('remove', [file], () => {
        rmSync(file, { force: true })
      }),
    removeEmptyDir: (dir) =>
      op('removeEmptyDir', [dir], () => {
        try {
          rmdirSync(dir)
        } catch {
          // Not empty or gone.
        }
      }),
  }
}

/** Every file and folder under the stand-in `/etc`: path, mode and bytes. */
function machine(): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name)
      const stat = statSync(full)
      const key = path.relative(ROOT, full)
      const mode = (stat.mode & 0o7777).toString(8)
      if (stat.isDirectory()) {
        out[key] = `dir ${mode}`
        walk(full)
      } else {
        out[key] = `file ${mode} ${readFileSync(full).toString('base64')}`
      }
    }
  }
  walk(path.join(ROOT, 'etc'))
  return out
}

/** A managed settings file and a drop-in folder, as an administrator left them. */
const THEIRS = Buffer.from('{"permissions": {"allow": ["Bash"]}}\r\n\u00ff\u0000', 'latin1')
function administratorsFiles(): void {
  mkdirSync(MANAGED_SETTINGS_DROPIN_DIR, { recursive: true })
  writeFileSync(MANAGED_SETTINGS_FILE, THEIRS, { mode: 0o600 })
  chmodSync(MANAGED_SETTINGS_FILE, 0o600)
  writeFileSync(path.join(MANAGED_SETTINGS_DROPIN_DIR, '10-hooks.json'), '{"hooks": {}}')
}

beforeEach(() => {
  expect(MANAGED_SETTINGS_DIR.startsWith(`${ROOT}/`)).toBe(true)
  mkdirSync(path.join(ROOT, 'etc'), { recursive: true })
  mkdirSync(PRIVATE, { recursive: true, mode: 0o700 })
})

afterEach(() => {
  rmSync(ROOT, { recursive: true, force: true })
})

describe('planSettingsChange', () => {
  it('on a machine without managed settings: creates the folder, backs up and moves nothing', () => {
    expect(planSettingsChange(PRIVATE, true)).toEqual({
      useSudo: true,
      createdDir: true,
      backup: null,
      dropinMovedTo: null,
    })
  })

  it('with a file and a drop-in folder: a backup in the private folder, the folder moved aside', () => {
    administratorsFiles()
    expect(planSettingsChange(PRIVATE, false)).toEqual({
      useSudo: false,
      createdDir: false,
      backup: path.join(PRIVATE, 'managed-settings.backup.json'),
      dropinMovedTo: `${MANAGED_SETTINGS_DROPIN_DIR}.airlock-moved-airlock-Xy12`,
    })
  })

  it('changes nothing', () => {
    administratorsFiles()
    const before = machine()
    planSettingsChange(PRIVATE, false)
    expect(machine()).toEqual(before)
  })
})

describe('installManagedSettings', () => {
  it("backs up the administrator's file byte for byte and moves the drop-ins aside first", async () => {
    administratorsFiles()
    const change = planSettingsChange(PRIVATE, false)
    const fs = fakeFs()
    await installManagedSettings(change, SETTINGS, PRIVATE, fs)
    expect(readFileSync(path.join(PRIVATE, 'managed-settings.backup.json'))).toEqual(THEIRS)
    expect(fs.ops.map((o) => o[0])).toEqual(['copy', 'move', 'install'])
    expect(existsSync(MANAGED_SETTINGS_DROPIN_DIR)).toBe(false)
    expect(readdirSync(change.dropinMovedTo ?? '')).toEqual(['10-hooks.json'])
  })

  it('writes the settings as JSON with mode 0644', async () => {
    const fs = fakeFs()
    await installManagedSettings(planSettingsChange(PRIVATE, false), SETTINGS, PRIVATE, fs)
    expect(fs.ops.map((o) => o[0])).toEqual(['mkdir', 'install'])
    expect(readFileSync(MANAGED_SETTINGS_FILE, 'utf8')).toBe(
      `${JSON.stringify(SETTINGS, null, 2)}\n`,
    )
    expect(statSync(MANAGED_SETTINGS_FILE).mode & 0o777).toBe(0o644)
  })

  it('rejects when the file does not hold what was written (the lock is not in force)', async () => {
    const fs = fakeFs()
    const lying: PrivilegedFs = {
      ...fs,
      install: async (from, to, mode) => {
        await fs.install(from, to, mode)
        writeFileSync(to, '{}\n')
      },
    }
    await expect(
      installManagedSettings(planSettingsChange(PRIVATE, false), SETTINGS, PRIVATE, lying),
    ).rejects.toThrow(
      `${MANAGED_SETTINGS_FILE} does not hold what Airlock wrote; the lock is not in force.`,
    )
  })
})

describe('restoreManagedSettings', () => {
  it("puts the administrator's file (bytes and mode) and drop-ins back exactly as they were", async () => {
    administratorsFiles()
    const before = machine()
    const change = planSettingsChange(PRIVATE, false)
    const fs = fakeFs()
    await installManagedSettings(change, SETTINGS, PRIVATE, fs)
    expect(machine()).not.toEqual(before)
    expect(await restoreManagedSettings(change, fs)).toEqual([])
    expect(machine()).toEqual(before)
  })

  it('removes the file and the folder it created when there was none', async () => {
    const before = machine()
    const change = planSettingsChange(PRIVATE, false)
    const fs = fakeFs()
    await installManagedSettings(change, SETTINGS, PRIVATE, fs)
    expect(await restoreManagedSettings(change, fs)).toEqual([])
    expect(machine()).toEqual(before)
    expect(before).toEqual({})
  })

  it('leaves the folder it created when something else was put in it meanwhile', async () => {
    const change = planSettingsChange(PRIVATE, false)
    const fs = fakeFs()
    await installManagedSettings(change, SETTINGS, PRIVATE, fs)
    writeFileSync(path.join(MANAGED_SETTINGS_DIR, 'other.json'), '{}')
    expect(await restoreManagedSettings(change, fs)).toEqual([])
    expect(readdirSync(MANAGED_SETTINGS_DIR)).toEqual(['other.json'])
  })

  it('is idempotent', async () => {
    administratorsFiles()
    const before = machine()
    const change = planSettingsChange(PRIVATE, false)
    const fs = fakeFs()
    await installManagedSettings(change, SETTINGS, PRIVATE, fs)
    expect(await restoreManagedSettings(change, fs)).toEqual([])
    expect(await restoreManagedSettings(change, fs)).toEqual([])
    expect(machine()).toEqual(before)
  })

  it('returns one warning per failed step instead of throwing, and still tries the others', async () => {
    administratorsFiles()
    const change = planSettingsChange(PRIVATE, false)
    await installManagedSettings(change, SETTINGS, PRIVATE, fakeFs())
    const failing = fakeFs(new Set(['copy', 'move']))
    expect(await restoreManagedSettings(change, failing)).toEqual([
      `Could not restore ${MANAGED_SETTINGS_FILE} from its backup: copy failed`,
      `Could not move ${MANAGED_SETTINGS_DROPIN_DIR} back: move failed`,
    ])
    expect(failing.ops.map((o) => o[0])).toEqual(['copy', 'move'])
  })

  it('warns when the file Airlock wrote cannot be removed', async () => {
    const change = planSettingsChange(PRIVATE, false)
    await installManagedSettings(change, SETTINGS, PRIVATE, fakeFs())
    expect(await restoreManagedSettings(change, fakeFs(new Set(['remove'])))).toEqual([
      `Could not remove ${MANAGED_SETTINGS_FILE}: remove failed`,
    ])
  })
})

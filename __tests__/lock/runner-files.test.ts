import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  findRunnerRoot,
  parentPidOf,
  runnerPrivatePaths,
  runnerRootOf,
} from '../../src/lock/runner-files.js'

describe('runnerRootOf', () => {
  it.each([
    ['/home/runner/actions-runner/bin/Runner.Worker', '/home/runner/actions-runner'],
    ['/opt/runner/bin/Runner.Listener', '/opt/runner'],
    ['/usr/bin/node', null],
    ['/home/runner/Runner.Worker', null],
    ['/home/runner/bin/Runner.Worker.evil', null],
  ])('%s → %s', (exe, root) => {
    expect(runnerRootOf(exe)).toBe(root)
  })
})

describe('parentPidOf', () => {
  it('reads the field after the name, even when the name holds spaces and parentheses', () => {
    expect(parentPidOf('123 (Runner.Worker) S 45 123 45 0 -1')).toBe(45)
    expect(parentPidOf('123 (a) b (c) R 77 1 1 0')).toBe(77)
    expect(parentPidOf('garbage')).toBeNull()
    expect(parentPidOf('1 (init) S 0 0 0')).toBeNull()
  })
})

describe('runnerPrivatePaths', () => {
  it('names the registration key, the runner env and the diagnostic logs', () => {
    expect(runnerPrivatePaths('/r')).toEqual([
      '/r/.credentials',
      '/r/.credentials_rsaparams',
      '/r/.runner',
      '/r/.env',
      '/r/.path',
      '/r/_diag',
    ])
  })
})

describe('findRunnerRoot over a recorded process tree', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  /** A fake /proc: pid → [executable, parent pid]. */
  function fakeProc(tree: Record<number, [string | null, number]>): string {
    const root = mkdtempSync(path.join(os.tmpdir(), 'airlock-proc-'))
    dirs.push(root)
    for (const [pid, [exe, ppid]] of Object.entries(tree)) {
      mkdirSync(path.join(root, pid))
      if (exe !== null) symlinkSync(exe, path.join(root, pid, 'exe'))
      writeFileSync(path.join(root, pid, 'stat'), `${pid} (x y) S ${ppid} 1 1 0 -1`)
    }
    return root
  }

  it('finds the worker two levels up (node ← sh ← Runner.Worker)', () => {
    const proc = fakeProc({
      30: ['/bin/sh', 20],
      20: ['/home/runner/actions-runner/bin/Runner.Worker', 10],
      10: ['/home/runner/actions-runner/bin/Runner.Listener', 1],
    })
    expect(findRunnerRoot(proc, 30)).toBe('/home/runner/actions-runner')
  })

  it('walks past processes it may not read', () => {
    const proc = fakeProc({ 30: [null, 20], 20: ['/srv/gh/bin/Runner.Worker', 1] })
    expect(findRunnerRoot(proc, 30)).toBe('/srv/gh')
  })

  it('gives null in a job container or outside a runner', () => {
    const proc = fakeProc({ 30: ['/bin/sh', 20], 20: ['/usr/bin/dockerd', 1] })
    expect(findRunnerRoot(proc, 30)).toBeNull()
    expect(findRunnerRoot(proc, 99)).toBeNull()
  })

  it('gives null on this machine, which is not a runner', () => {
    expect(findRunnerRoot()).toBeNull()
  })
})

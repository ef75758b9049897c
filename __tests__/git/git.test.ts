import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  GitError,
  gitArgs,
  gitEnv,
  HARDENING_CONFIG,
  runGit,
  streamGit,
} from '../../src/git/git.js'

let dir: string
const savedEnv = { ...process.env }
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-git-'))
  execFileSync('git', ['init', '--quiet', dir], { env: { PATH: process.env.PATH ?? '' } })
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  process.env = { ...savedEnv }
})

describe('gitArgs', () => {
  it('puts the hardening settings first, then safe directories and the caller settings, then the command', () => {
    const args = gitArgs(['status'], {
      cwd: dir,
      safeDirectories: ['/repo'],
      config: { 'core.fileMode': 'true' },
    })
    expect(args[0]).toBe('--no-pager')
    expect(args.slice(-5)).toEqual([
      '-c',
      'safe.directory=/repo',
      '-c',
      'core.fileMode=true',
      'status',
    ])
    for (const [key, value] of Object.entries(HARDENING_CONFIG)) {
      expect(args).toContain(`${key}=${value}`)
    }
  })
})

describe('gitEnv', () => {
  it('keeps PATH, drops every GIT_ variable of the caller, and adds its own', () => {
    const env = gitEnv(
      { GIT_INDEX_FILE: '/tmp/index' },
      {
        PATH: '/usr/bin',
        HOME: '/root',
        GIT_DIR: '/evil',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'core.fsmonitor',
        GIT_CONFIG_VALUE_0: '/evil/monitor',
        GIT_EXTERNAL_DIFF: '/evil/diff',
        SECRET_TOKEN: 'x',
      },
    )
    expect(env).toEqual({
      PATH: '/usr/bin',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_ATTR_NOSYSTEM: '1',
      GIT_NO_REPLACE_OBJECTS: '1',
      GIT_OPTIONAL_LOCKS: '0',
      GIT_PAGER: 'cat',
      LC_ALL: 'C',
      MALLOC_TOP_PAD_: '16777216',
      GIT_INDEX_FILE: '/tmp/index',
    })
  })
})

describe('every hardening setting', () => {
  it('is accepted by the installed git', async () => {
    const out = await runGit(['config', '--list', '--show-scope'], { cwd: dir })
    for (const [key, value] of Object.entries(HARDENING_CONFIG)) {
      expect(out.toString()).toContain(`command\t${key.toLowerCase()}=${value}`)
    }
  })
})

describe('runGit', () => {
  it('returns standard output', async () => {
    const out = await runGit(['rev-parse', '--is-inside-work-tree'], { cwd: dir })
    expect(out.toString()).toBe('true\n')
  })

  it('does not let a GIT_DIR in the action environment redirect it', async () => {
    process.env.GIT_DIR = '/nonexistent/elsewhere'
    const out = await runGit(['rev-parse', '--absolute-git-dir'], { cwd: dir })
    expect(out.toString().trim()).toBe(
      path.join(execFileSync('realpath', [dir]).toString().trim(), '.git'),
    )
  })

  it('writes input to standard input', async () => {
    const out = await runGit(['hash-object', '--stdin'], { cwd: dir, input: 'hello\n' })
    expect(out.toString().trim()).toBe('ce013625030ba8dba906f756967f9e9ca394464a')
  })

  it('fails with the subcommand and git’s message, not the environment', async () => {
    const error = await runGit(['rev-parse', '--verify', 'no-such-ref'], {
      cwd: dir,
      env: { GIT_AUTHOR_NAME: 'sekrit-value' },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GitError)
    expect((error as GitError).message).toMatch(
      /^git rev-parse failed \(exit code 128\): fatal: Needed a single revision$/,
    )
    expect((error as GitError).message).not.toContain('sekrit-value')
    expect((error as GitError).exitCode).toBe(128)
  })

  it('accepts the exit codes it is told to', async () => {
    const out = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], {
      cwd: dir,
      okExitCodes: [0, 1],
    })
    expect(out.length).toBe(0)
  })

  it('refuses an output larger than its limit', async () => {
    await expect(
      runGit(['hash-object', '--stdin'], { cwd: dir, input: 'x', maxOutputBytes: 10 }),
    ).rejects.toThrow(/git hash-object printed more than 10 bytes/)
  })

  it('runs the git program it is given, with the same hardening', async () => {
    const program = path.join(dir, 'fake-git')
    writeFileSync(program, '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 })
    const out = await runGit(['config', '--list'], { cwd: dir, executable: program })
    expect(out.toString().trimEnd().split('\n')).toEqual(
      gitArgs(['config', '--list'], { cwd: dir }),
    )
  })

  it('ends a git that runs past its time limit, and fails', async () => {
    const program = path.join(dir, 'slow-git')
    writeFileSync(program, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 })
    const started = Date.now()
    await expect(
      runGit(['config', '--list'], { cwd: dir, executable: program, timeoutMs: 200 }),
    ).rejects.toThrow(/^git config ran past 200 ms\.$/)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('reports a git that cannot start', async () => {
    await expect(runGit(['status'], { cwd: path.join(dir, 'missing-folder') })).rejects.toThrow(
      /git status could not start/,
    )
  })
})

describe('streamGit', () => {
  it('streams output in order and resolves to the exit code', async () => {
    const chunks: Buffer[] = []
    const input = Array.from({ length: 5000 }, (_, i) => `${i}\n`).join('')
    const code = await streamGit(
      ['hash-object', '--stdin-paths'],
      { cwd: dir, input: '', okExitCodes: [0] },
      (c) => {
        chunks.push(c)
        return undefined
      },
    )
    expect(code).toBe(0)
    const big = await streamGit(['cat-file', '--batch-check'], { cwd: dir, input }, (c) => {
      chunks.push(c)
      return undefined
    })
    expect(big).toBe(0)
    const lines = Buffer.concat(chunks).toString().trimEnd().split('\n')
    expect(lines).toHaveLength(5000)
    expect(lines[4999]).toBe('4999 missing')
  })

  it('stops early without an error when told to', async () => {
    const input = Array.from({ length: 100_000 }, (_, i) => `${i}\n`).join('')
    let calls = 0
    const code = await streamGit(['cat-file', '--batch-check'], { cwd: dir, input }, () => {
      calls += 1
      return false
    })
    expect(code).toBe(-1)
    expect(calls).toBe(1)
  })

  it('passes on an error thrown while reading, and ends git', async () => {
    const input = Array.from({ length: 100_000 }, (_, i) => `${i}\n`).join('')
    await expect(
      streamGit(['cat-file', '--batch-check'], { cwd: dir, input }, () => {
        throw new Error('parser gave up')
      }),
    ).rejects.toThrow('parser gave up')
  })
})

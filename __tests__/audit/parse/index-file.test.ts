import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { indexMarks, walkIndex, type IndexEntry } from '../../../src/audit/parse/index-file.js'

describe('indexMarks (checked against indexes git wrote)', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  /** A repository whose index holds `paths` (no files on disk), after `steps` ran on it. */
  function indexOf(
    paths: string[],
    steps: string[][] = [],
    format: 'sha1' | 'sha256' = 'sha1',
  ): Buffer {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'airlock-index-'))
    dirs.push(repo)
    const git = (...args: string[]): string =>
      execFileSync('git', args, {
        cwd: repo,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
        },
      })
    git('init', '--quiet', `--object-format=${format}`)
    const oid = git('hash-object', '-w', '--stdin').trim()
    const input = paths.map((p) => `100644 ${oid}\t${p}\0`).join('')
    execFileSync('git', ['update-index', '--add', '-z', '--index-info'], {
      cwd: repo,
      input,
      env: {
        PATH: process.env.PATH ?? '',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    })
    for (const step of steps) git(...step)
    return readFileSync(path.join(repo, '.git', 'index'))
  }

  const long = `${'deep/'.repeat(900)}file.txt`
  const cases: { name: string; paths: string[]; steps: string[][]; expected: string }[] = [
    {
      name: 'a version 2 index without marks',
      paths: ['a', 'b/c', long],
      steps: [],
      expected: 'none',
    },
    {
      name: 'an index with a cache tree',
      paths: ['a', 'b/c'],
      steps: [['write-tree']],
      expected: 'none',
    },
    {
      name: 'an assume-unchanged entry',
      paths: ['a', 'b/c', long],
      steps: [['update-index', '--assume-unchanged', 'b/c']],
      expected: 'some',
    },
    {
      name: 'a skip-worktree entry (version 3)',
      paths: ['a', 'b/c'],
      steps: [['update-index', '--skip-worktree', 'a']],
      expected: 'some',
    },
    {
      name: 'a version 4 index without marks',
      paths: ['a', 'a/b', 'a/b/c', long, 'z'],
      steps: [['update-index', '--index-version', '4']],
      expected: 'none',
    },
    {
      name: 'a version 4 index with a skip-worktree entry last',
      paths: ['a', 'a/b', long, 'z'],
      steps: [
        ['update-index', '--index-version', '4'],
        ['update-index', '--skip-worktree', 'z'],
      ],
      expected: 'some',
    },
    {
      name: 'a version 4 index with an assume-unchanged entry',
      paths: ['a', 'a/b', long],
      steps: [
        ['update-index', '--index-version', '4'],
        ['update-index', '--assume-unchanged', long],
      ],
      expected: 'some',
    },
    {
      name: 'a split index',
      paths: ['a', 'b'],
      steps: [['update-index', '--split-index']],
      expected: 'unknown',
    },
  ]
  it.each(cases)('reads $name as $expected', ({ paths, steps, expected }) => {
    expect(indexMarks(indexOf(paths, steps), 20)).toBe(expected)
  })

  it.each([2, 3, 4])('walkIndex reads every entry of a version %i index as git lists it', (v) => {
    const paths = ['a', 'b/c', 'b/cd', 'b/c\u00e9 d', long, `${long}2`, 'z']
    const steps = [['update-index', '--index-version', String(v)]]
    if (v === 3) steps.push(['update-index', '--skip-worktree', 'b/cd'])
    const entries: IndexEntry[] = []
    expect(walkIndex(indexOf(paths, steps), 20, (e) => void entries.push(e))).toBe(true)
    expect(entries.map((e) => e.path.toString('utf8'))).toEqual([...paths].sort())
    expect(new Set(entries.map((e) => `${e.mode} ${e.oid} ${e.size}`))).toEqual(
      new Set(['100644 e69de29bb2d1d6434b8b29ae775ad8c2e48c5391 0']),
    )
    expect(entries.filter((e) => e.skipWorktree).map((e) => e.path.toString())).toEqual(
      v === 3 ? ['b/cd'] : [],
    )
  })

  it('reads a SHA-256 index', () => {
    expect(indexMarks(indexOf(['a', 'b'], [], 'sha256'), 32)).toBe('none')
    const marked = indexOf(['a', 'b'], [['update-index', '--skip-worktree', 'b']], 'sha256')
    expect(indexMarks(marked, 32)).toBe('some')
  })

  it('answers unknown, never none, for what is not a whole index', () => {
    const index = indexOf(['a', 'b/c', 'd'])
    expect(indexMarks(Buffer.from('not an index at all'), 20)).toBe('unknown')
    expect(indexMarks(index.subarray(0, 40), 20)).toBe('unknown')
    expect(indexMarks(index.subarray(0, index.length - 30), 20)).toBe('unknown')
    expect(indexMarks(index, 32)).toBe('unknown')
    const version5 = Buffer.from(index)
    version5.writeUInt32BE(5, 4)
    expect(indexMarks(version5, 20)).toBe('unknown')
  })

  it('agrees with git ls-files -v on any set of marks, in versions 2 to 4', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            path: fc.stringMatching(/^[a-z]{1,3}(\/[a-z]{1,3}){0,2}$/),
            mark: fc.constantFrom('none', 'none', 'none', '--assume-unchanged', '--skip-worktree'),
          }),
          { minLength: 1, maxLength: 8, selector: (e) => e.path.split('/')[0] },
        ),
        fc.constantFrom('2', '3', '4'),
        (entries, version) => {
          const steps = [['update-index', '--index-version', version]]
          for (const e of entries)
            if (e.mark !== 'none') steps.push(['update-index', e.mark, e.path])
          const marked = entries.some((e) => e.mark !== 'none')
          expect(
            indexMarks(
              indexOf(
                entries.map((e) => e.path),
                steps,
              ),
              20,
            ),
          ).toBe(marked ? 'some' : 'none')
        },
      ),
      { numRuns: 25 },
    )
  }, 60_000)
})

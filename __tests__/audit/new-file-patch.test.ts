import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  addedLines,
  countNewlines,
  newFileHeader,
  newFileHunkStart,
  quotedName,
} from '../../src/audit/new-file-patch.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function scratchRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-newfile-'))
  dirs.push(dir)
  git(dir, 'init', '--quiet')
  return dir
}

function git(cwd: string, ...args: string[]): Buffer {
  return execFileSync('git', args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    maxBuffer: 1 << 28,
  })
}

/** What git prints for `files` (raw names) as new files: `add -N`, then the audit's diff flags. */
function gitPatch(repo: string, names: readonly Buffer[]): Buffer {
  const list = Buffer.concat(names.flatMap((n) => [n, Buffer.from([0])]))
  execFileSync('git', ['add', '-N', '--pathspec-from-file=-', '--pathspec-file-nul'], {
    cwd: repo,
    input: list,
    env: { PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  })
  return git(
    repo,
    '-c',
    'core.quotePath=true',
    'diff',
    '-p',
    '--binary',
    '--full-index',
    '--no-color',
    '--no-renames',
    '--src-prefix=a/',
    '--dst-prefix=b/',
  )
}

/** The section this module builds for one new file, as the audit assembles it. */
function ourSection(name: Buffer, content: Buffer, mode: string): Buffer {
  const oid = createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex')
  const parts = [newFileHeader(name, mode, oid, '0'.repeat(40))]
  if (content.length > 0) {
    const unfinished = content[content.length - 1] !== 0x0a ? 1 : 0
    const lines = countNewlines(content) + unfinished
    parts.push(newFileHunkStart(name, lines), addedLines(content, true, true))
  }
  return Buffer.concat(parts)
}

describe('new file sections are byte for byte what git prints', () => {
  const cases: { name: Buffer; content: Buffer; mode?: string }[] = [
    { name: Buffer.from('plain.txt'), content: Buffer.from('one\ntwo\n') },
    { name: Buffer.from('one-line.txt'), content: Buffer.from('only\n') },
    { name: Buffer.from('no-eol.txt'), content: Buffer.from('a\nlast') },
    { name: Buffer.from('single-no-eol'), content: Buffer.from('x') },
    { name: Buffer.from('crlf.txt'), content: Buffer.from('a\r\nb\r\n') },
    { name: Buffer.from('blank-lines.txt'), content: Buffer.from('\n\n\n') },
    { name: Buffer.from('empty.txt'), content: Buffer.alloc(0) },
    { name: Buffer.from('name with spaces.txt'), content: Buffer.from('s\n') },
    { name: Buffer.from('tab\tand "quote" and \\.txt'), content: Buffer.from('q\n') },
    { name: Buffer.from('new\nline é.txt'), content: Buffer.from('u\n') },
    { name: Buffer.from('spaced é.txt'), content: Buffer.from('both\n') },
    { name: Buffer.from([0x62, 0xff, 0x2e, 0x74]), content: Buffer.from('latin1 name\n') },
    { name: Buffer.from('ctrl\x01\x7f.txt'), content: Buffer.from('c\n') },
    { name: Buffer.from('dir/sub/deep.txt'), content: Buffer.from('deep\n') },
    { name: Buffer.from('tool.sh'), content: Buffer.from('echo hi\n'), mode: '100755' },
  ]

  it.each(cases.map((c) => [c.name.toString('latin1'), c] as const))('%j', (_label, c) => {
    const repo = scratchRepo()
    const full = Buffer.concat([Buffer.from(`${repo}/`), c.name])
    mkdirSync(path.dirname(full.toString('latin1')), { recursive: true })
    writeFileSync(full, c.content)
    if (c.mode === '100755') chmodSync(full, 0o755)
    const expected = gitPatch(repo, [c.name])
    expect(ourSection(c.name, c.content, c.mode ?? '100644')).toEqual(expected)
  })

  it('writes any text cut into pieces as the whole would be written', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', 'é') }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (text, cuts) => {
          const content = Buffer.from(text)
          const points = [...new Set(cuts.map((c) => c % (content.length + 1)))].sort(
            (a, b) => a - b,
          )
          const pieces: Buffer[] = []
          let from = 0
          for (const at of [...points, content.length]) {
            pieces.push(content.subarray(from, at))
            from = at
          }
          const nonEmpty = pieces.filter((p) => p.length > 0)
          let atLineStart = true
          const out = nonEmpty.map((piece, i) => {
            const lines = addedLines(piece, atLineStart, i === nonEmpty.length - 1)
            atLineStart = piece[piece.length - 1] === 0x0a
            return lines
          })
          expect(Buffer.concat(out)).toEqual(addedLines(content, true, true))
        },
      ),
    )
  })

  it('quotes a name only when git does', () => {
    expect(quotedName('b/', Buffer.from('a b.txt')).toString()).toBe('b/a b.txt')
    expect(quotedName('b/', Buffer.from('caf\u00e9')).toString('latin1')).toBe('"b/caf\\303\\251"')
  })
})

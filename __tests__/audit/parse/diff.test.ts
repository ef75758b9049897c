import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  AddedLineParser,
  CatFileBatchParser,
  decodeBytes,
  indexMarks,
  walkIndex,
  type IndexEntry,
  isBinaryToGit,
  joinPatchSections,
  NulSplitter,
  parseRawZ,
  RawPatchSplitter,
  unquoteGitPath,
  type AddedLine,
  type AddedLineParserOptions,
  type DiffEntry,
  type PatchSection,
  type RawEntry,
} from '../../../src/audit/parse/diff.js'
import type { ChangedFile } from '../../../src/types/stages.js'

const Z40 = '0'.repeat(40)
const A40 = 'a'.repeat(40)
const B40 = 'b'.repeat(40)

/** One added line, as the tests spell them. */
interface Line {
  path: string
  line: number
  text: string
}

/** The parser's runs of consecutive added lines, split back into lines (checking `lines`). */
function linesOf(added: AddedLine[]): Line[] {
  return added.flatMap(({ path, line, text, lines }) => {
    const parts = lines === 1 ? [text] : text.split('\n')
    expect(parts).toHaveLength(lines)
    return parts.map((part, i) => ({ path, line: line + i, text: part }))
  })
}

/** Feeds `input` to a chunked parser cut at `cuts` (offsets), collecting every result. */
function feed<T>(input: Buffer, cuts: number[], push: (chunk: Buffer) => T[]): T[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b)
  const out: T[] = []
  let start = 0
  for (const point of [...points, input.length]) {
    out.push(...push(input.subarray(start, point)))
    start = point
  }
  return out
}

describe('decodeBytes', () => {
  const cases: { name: string; bytes: number[] | string; expected: string }[] = [
    { name: 'keeps ASCII', bytes: 'plain/path.txt', expected: 'plain/path.txt' },
    { name: 'keeps valid UTF-8', bytes: 'ünï cödé ✓ 😀', expected: 'ünï cödé ✓ 😀' },
    { name: 'keeps control characters', bytes: 'a\nb\tc\x7f', expected: 'a\nb\tc\x7f' },
    { name: 'escapes a Latin-1 byte', bytes: [0x63, 0x61, 0x66, 0xe9], expected: 'caf\\xe9' },
    { name: 'escapes a lone continuation byte', bytes: [0x80, 0x61], expected: '\\x80a' },
    { name: 'escapes a truncated sequence', bytes: [0x61, 0xe2, 0x9c], expected: 'a\\xe2\\x9c' },
    { name: 'escapes an overlong encoding', bytes: [0xc0, 0xaf], expected: '\\xc0\\xaf' },
    {
      name: 'escapes an encoded surrogate',
      bytes: [0xed, 0xa0, 0x80],
      expected: '\\xed\\xa0\\x80',
    },
    {
      name: 'escapes a code point above U+10FFFF',
      bytes: [0xf4, 0x90, 0x80, 0x80],
      expected: '\\xf4\\x90\\x80\\x80',
    },
    {
      name: 'keeps the valid text around invalid bytes',
      bytes: [0xff, ...Buffer.from('✓'), 0xfe, 0x41],
      expected: '\\xff✓\\xfeA',
    },
  ]
  it.each(cases)('$name', ({ bytes, expected }) => {
    expect(decodeBytes(Buffer.from(bytes as never))).toBe(expected)
  })

  it('returns any valid string unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(decodeBytes(Buffer.from(text, 'utf8'))).toBe(text)
      }),
    )
  })

  it('loses no byte: without backslashes in the input, the escapes decode back to it', () => {
    const undo = (text: string): Buffer =>
      Buffer.concat(
        text
          .split(/(\\x[0-9a-f]{2})/)
          .map((part) =>
            /^\\x[0-9a-f]{2}$/.test(part)
              ? Buffer.from([parseInt(part.slice(2), 16)])
              : Buffer.from(part, 'utf8'),
          ),
      )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        const bytes = Buffer.from(raw.filter((b) => b !== 0x5c))
        expect(undo(decodeBytes(bytes)).equals(bytes)).toBe(true)
      }),
    )
  })
})

/** Characters git quotes, or that break naive parsing, in file names. */
const nameChar = fc.oneof(
  fc.constantFrom(
    ' ',
    '"',
    "'",
    '\\',
    '\n',
    '\t',
    '\r',
    ':',
    '-',
    '/',
    'é',
    '✓',
    '😀',
    '\u2028',
    '\x7f',
  ),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
)
const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 12 })

/**
 * What `git diff-tree -r -z --raw -p --binary --full-index -M` (git 2.39) printed for a mixed
 * change: a mode-only change, a binary edit, a rename with an edit and no newline at the end, a
 * new symlink, a symlink replaced by a file, names with a newline and a space, a deletion and a
 * submodule update. `git diff-tree --numstat` said: 0 0 a.txt, - - bin, 1 0 d/g, 1 0 link out,
 * 1 1 lnk, 1 0 new\nline, 0 2 old, 1 0 sp ace, 1 1 sub.
 */
const O = {
  a: '78981922613b2afb6025042ff6bd878ac1994e85',
  bin1: '933ef9bdb8df52a33ac1ab5d300575a6ed7517c9',
  bin2: '15e21b5ffcf23ea696d98bb418d48e34e07fd625',
  f: 'f384549cbeb481e437091320de6d1f2e15e11b4a',
  g: '1b5984620300387ddec6c1a6fd8abd6816d63ff9',
  out: '3594e94c04db171e2767224db355f514b13715c5',
  lnk1: '8d14cbf983b3fad683171c9418998d9f68340823',
  lnk2: 'a53e49994789a8257851d03327d8de684cb4e3e3',
  nl: 'ea0c8a85cb7293feae2c9e151d1d395be59b61fa',
  old: '8362b4ca559bdddc642f02a13408b57aa67e8164',
  sp: '3e757656cf36eca53338e520d134963a44f793f8',
  sub1: 'c1d5be78ada20f9ecb229d53a7ec85a3cfed6608',
  sub2: 'b63767705225fb033e09f709cf5d03a5b582786a',
}
const RECORDED_RAW = [
  `:100644 100755 ${O.a} ${O.a} M`,
  'a.txt',
  `:100644 100644 ${O.bin1} ${O.bin2} M`,
  'bin',
  `:100644 100644 ${O.f} ${O.g} R082`,
  'd/f',
  'd/g',
  `:000000 120000 ${Z40} ${O.out} A`,
  'link out',
  `:120000 100644 ${O.lnk1} ${O.lnk2} T`,
  'lnk',
  `:000000 100644 ${Z40} ${O.nl} A`,
  'new\nline',
  `:100644 000000 ${O.old} ${Z40} D`,
  'old',
  `:000000 100644 ${Z40} ${O.sp} A`,
  'sp ace',
  `:160000 160000 ${O.sub1} ${O.sub2} M`,
  'sub',
]
const RECORDED_FULL_PATCH = `diff --git a/a.txt b/a.txt
old mode 100644
new mode 100755
diff --git a/bin b/bin
index ${O.bin1}..${O.bin2} 100644
GIT binary patch
literal 7
OcmYew%ws4i&j$bs3Idb>

literal 7
OcmYew%wx#UO9cQ4-vWF9

diff --git a/d/f b/d/g
similarity index 82%
rename from d/f
rename to d/g
index ${O.f}..${O.g} 100644
--- a/d/f
+++ b/d/g
@@ -2,3 +2,4 @@ one
 two
 three
 four
+more
\\ No newline at end of file
diff --git a/link out b/link out
new file mode 120000
index ${Z40}..${O.out}
--- /dev/null
+++ b/link out\t
@@ -0,0 +1 @@
+/etc/passwd
\\ No newline at end of file
diff --git a/lnk b/lnk
deleted file mode 120000
index ${O.lnk1}..${Z40}
--- a/lnk
+++ /dev/null
@@ -1 +0,0 @@
-a.txt
\\ No newline at end of file
diff --git a/lnk b/lnk
new file mode 100644
index ${Z40}..${O.lnk2}
--- /dev/null
+++ b/lnk
@@ -0,0 +1 @@
+not link
diff --git "a/new\\nline" "b/new\\nline"
new file mode 100644
index ${Z40}..${O.nl}
--- /dev/null
+++ "b/new\\nline"
@@ -0,0 +1 @@
+q
\\ No newline at end of file
diff --git a/old b/old
deleted file mode 100644
index ${O.old}..${Z40}
--- a/old
+++ /dev/null
@@ -1,2 +0,0 @@
-gone
-gone too
diff --git a/sp ace b/sp ace
new file mode 100644
index ${Z40}..${O.sp}
--- /dev/null
+++ b/sp ace\t
@@ -0,0 +1 @@
+new
diff --git a/sub b/sub
index ${O.sub1}..${O.sub2} 160000
--- a/sub
+++ b/sub
@@ -1 +1 @@
-Subproject commit ${O.sub1}
+Subproject commit ${O.sub2}
`
/** The whole output: raw records, an empty field, the patch. */
const RECORDED = Buffer.from(
  `${RECORDED_RAW.map((f) => `${f}\0`).join('')}\0${RECORDED_FULL_PATCH}`,
  'utf8',
)

/** Splits and parses a whole `diff-tree -z --raw -p` output fed in pieces cut at `cuts`. */
function readDiffTree(
  output: Buffer,
  cuts: number[] = [],
): { entries: DiffEntry[]; lines: Line[]; patch: Buffer } {
  const splitter = new RawPatchSplitter()
  const parser = new AddedLineParser()
  const patch: Buffer[] = []
  const lines: AddedLine[] = []
  const sections: PatchSection[] = []
  for (const part of feed(output, cuts, (chunk) => [splitter.push(chunk)])) {
    patch.push(part)
    lines.push(...parser.push(part))
    sections.push(...parser.sections())
  }
  splitter.end()
  lines.push(...parser.end())
  sections.push(...parser.sections())
  return {
    entries: joinPatchSections(splitter.rawEntries(), sections),
    lines: linesOf(lines),
    patch: Buffer.concat(patch),
  }
}

describe('parseRawZ', () => {
  it('reads recorded raw records', () => {
    const entries = parseRawZ(RECORDED_RAW.map((f) => Buffer.from(f)))
    expect(
      entries.map((e) => ({
        ...e,
        path: e.path.toString(),
        ...(e.oldPath === undefined ? {} : { oldPath: e.oldPath.toString() }),
      })),
    ).toEqual([
      {
        status: 'modified',
        path: 'a.txt',
        oldMode: '100644',
        newMode: '100755',
        oldOid: O.a,
        newOid: O.a,
      },
      {
        status: 'modified',
        path: 'bin',
        oldMode: '100644',
        newMode: '100644',
        oldOid: O.bin1,
        newOid: O.bin2,
      },
      {
        status: 'renamed',
        path: 'd/g',
        oldPath: 'd/f',
        oldMode: '100644',
        newMode: '100644',
        oldOid: O.f,
        newOid: O.g,
      },
      {
        status: 'added',
        path: 'link out',
        oldMode: '000000',
        newMode: '120000',
        oldOid: Z40,
        newOid: O.out,
      },
      {
        status: 'type-changed',
        path: 'lnk',
        oldMode: '120000',
        newMode: '100644',
        oldOid: O.lnk1,
        newOid: O.lnk2,
      },
      {
        status: 'added',
        path: 'new\nline',
        oldMode: '000000',
        newMode: '100644',
        oldOid: Z40,
        newOid: O.nl,
      },
      {
        status: 'deleted',
        path: 'old',
        oldMode: '100644',
        newMode: '000000',
        oldOid: O.old,
        newOid: Z40,
      },
      {
        status: 'added',
        path: 'sp ace',
        oldMode: '000000',
        newMode: '100644',
        oldOid: Z40,
        newOid: O.sp,
      },
      {
        status: 'modified',
        path: 'sub',
        oldMode: '160000',
        newMode: '160000',
        oldOid: O.sub1,
        newOid: O.sub2,
      },
    ])
  })

  it('reads sha256 object names', () => {
    const z64 = '0'.repeat(64)
    const entries = parseRawZ(
      [`:000000 100644 ${z64} ${'c'.repeat(64)} A`, 'x'].map((f) => Buffer.from(f)),
    )
    expect(entries).toMatchObject([{ status: 'added', newOid: 'c'.repeat(64) }])
  })

  const broken: { name: string; fields: string[]; error: RegExp }[] = [
    { name: 'a copy', fields: [`:100644 100644 ${A40} ${A40} C100`, 'x', 'y'], error: /status C/ },
    {
      name: 'an unmerged entry',
      fields: [`:000000 000000 ${Z40} ${Z40} U`, 'x'],
      error: /status U/,
    },
    {
      name: 'a malformed header',
      fields: [':100644 100644 xyz xyz M', 'x'],
      error: /Unexpected diff-tree record/,
    },
    {
      name: 'a rename cut short',
      fields: [`:100644 100644 ${A40} ${A40} R100`, 'x'],
      error: /target path/,
    },
    {
      name: 'a record without its path',
      fields: [`:000000 100644 ${Z40} ${B40} A`],
      error: /expected a path/,
    },
    { name: 'a numstat record', fields: ['1\t0\tx'], error: /Unexpected diff-tree record/ },
  ]
  it.each(broken)('refuses $name', ({ fields, error }) => {
    expect(() => parseRawZ(fields.map((f) => Buffer.from(f)))).toThrow(error)
  })

  const mode = fc.constantFrom('100644', '100755', '120000', '160000')
  const record = fc.record({
    kind: fc.constantFrom('A', 'M', 'D', 'T', 'R'),
    path: name,
    oldPath: name,
    oldMode: mode,
    newMode: mode,
    score: fc.integer({ min: 0, max: 100 }),
  })
  it('reads back any list of records, whatever the file names hold', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }), (records) => {
        const fields: string[] = []
        const expected: RawEntry[] = []
        for (const r of records) {
          const oldMode = r.kind === 'A' ? '000000' : r.oldMode
          const newMode = r.kind === 'D' ? '000000' : r.newMode
          const code = r.kind === 'R' ? `R${String(r.score).padStart(3, '0')}` : r.kind
          fields.push(`:${oldMode} ${newMode} ${A40} ${B40} ${code}`)
          if (r.kind === 'R') fields.push(r.oldPath)
          fields.push(r.path)
          expected.push({
            status: (
              { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed', R: 'renamed' } as const
            )[r.kind],
            path: Buffer.from(r.path),
            ...(r.kind === 'R' ? { oldPath: Buffer.from(r.oldPath) } : {}),
            oldMode,
            newMode,
            oldOid: A40,
            newOid: B40,
          })
        }
        expect(parseRawZ(fields.map((f) => Buffer.from(f, 'utf8')))).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })
})

describe('RawPatchSplitter', () => {
  it('hands back the patch byte for byte, fed in chunks of any size', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
        const { patch, entries } = readDiffTree(RECORDED, cuts)
        expect(patch.toString('utf8')).toBe(RECORDED_FULL_PATCH)
        expect(entries).toHaveLength(9)
      }),
      { numRuns: 200 },
    )
  })

  it('reads an empty output (no change) as no records and no patch', () => {
    expect(readDiffTree(Buffer.alloc(0))).toEqual({
      entries: [],
      lines: [],
      patch: Buffer.alloc(0),
    })
  })

  it('refuses output cut inside a record', () => {
    const splitter = new RawPatchSplitter()
    splitter.push(Buffer.from(`:000000 100644 ${Z40}`))
    expect(() => splitter.end()).toThrow(/inside a record/)
  })

  it('refuses a raw field longer than its limit', () => {
    const splitter = new RawPatchSplitter(16)
    expect(() => splitter.push(Buffer.from('x'.repeat(17)))).toThrow(/longer than 16/)
  })
})

describe('joinPatchSections (line counts from the patch, as --numstat counts them)', () => {
  it('gives a recorded change the counts git --numstat gave it', () => {
    const { entries, lines } = readDiffTree(RECORDED)
    const counts = entries.map((e) => [
      e.file.path,
      e.file.additions,
      e.file.deletions,
      e.file.binary,
    ])
    expect(counts).toEqual([
      ['a.txt', 0, 0, false],
      ['bin', null, null, true],
      ['d/g', 1, 0, false],
      ['link out', 1, 0, false],
      ['lnk', 1, 1, false],
      ['new\nline', 1, 0, false],
      ['old', 0, 2, false],
      ['sp ace', 1, 0, false],
      ['sub', 1, 1, false],
    ])
    expect(entries.map((e) => e.contentShown)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ])
    expect(entries[2]?.file).toEqual<ChangedFile>({
      path: 'd/g',
      oldPath: 'd/f',
      status: 'renamed',
      additions: 1,
      deletions: 0,
      binary: false,
      oldMode: '100644',
      newMode: '100644',
    })
    expect(entries[3]?.file).toEqual<ChangedFile>({
      path: 'link out',
      status: 'added',
      additions: 1,
      deletions: 0,
      binary: false,
      newMode: '120000',
    })
    expect(entries[6]?.file).toEqual<ChangedFile>({
      path: 'old',
      status: 'deleted',
      additions: 0,
      deletions: 2,
      binary: false,
      oldMode: '100644',
    })
    expect(lines).toEqual([
      { path: 'd/g', line: 5, text: 'more' },
      { path: 'link out', line: 1, text: '/etc/passwd' },
      { path: 'lnk', line: 1, text: 'not link' },
      { path: 'new\nline', line: 1, text: 'q' },
      { path: 'sp ace', line: 1, text: 'new' },
      { path: 'sub', line: 1, text: `Subproject commit ${O.sub2}` },
    ])
  })

  const section = (extra: Partial<PatchSection> = {}): PatchSection => ({
    additions: 0,
    deletions: 0,
    binary: false,
    contentShown: false,
    ...extra,
  })
  const raw = (status: string, path: string, oldPath?: string): RawEntry => ({
    status: ({ A: 'added', M: 'modified', D: 'deleted', R: 'renamed', T: 'type-changed' } as const)[
      status as 'A'
    ],
    path: Buffer.from(path),
    ...(oldPath === undefined ? {} : { oldPath: Buffer.from(oldPath) }),
    oldMode: status === 'A' ? '000000' : '100644',
    newMode: status === 'D' ? '000000' : '100644',
    oldOid: A40,
    newOid: B40,
  })
  const mismatched: {
    name: string
    entries: RawEntry[]
    sections: PatchSection[]
    error: RegExp
  }[] = [
    {
      name: 'a section missing',
      entries: [raw('M', 'x'), raw('M', 'y')],
      sections: [section()],
      error: /fewer sections/,
    },
    {
      name: 'a section too many',
      entries: [raw('M', 'x')],
      sections: [section(), section()],
      error: /2 sections for diff-tree's 1/,
    },
    {
      name: 'a type change with one section',
      entries: [raw('T', 'x')],
      sections: [section()],
      error: /fewer sections/,
    },
    {
      name: 'sections in another order',
      entries: [raw('M', 'x'), raw('M', 'y')],
      sections: [
        section({ oldLabel: 'y', newLabel: 'y' }),
        section({ oldLabel: 'x', newLabel: 'x' }),
      ],
      error: /same order/,
    },
    {
      name: 'a rename whose old label is the new path',
      entries: [raw('R', 'new', 'old')],
      sections: [section({ oldLabel: 'new', newLabel: 'new' })],
      error: /same order/,
    },
    {
      name: 'an addition with an old side',
      entries: [raw('A', 'x')],
      sections: [section({ oldLabel: 'x', newLabel: 'x' })],
      error: /same order/,
    },
    {
      name: 'a modification printed as a deletion',
      entries: [raw('M', 'x')],
      sections: [section({ oldLabel: 'x', newLabel: null })],
      error: /same order/,
    },
  ]
  it.each(mismatched)('refuses $name', ({ entries, sections, error }) => {
    expect(() => joinPatchSections(entries, sections)).toThrow(error)
  })

  const hunkText = fc.array(
    fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/\n/g, '')),
    { maxLength: 4 },
  )
  const change = fc.record({
    kind: fc.constantFrom('A', 'M', 'D', 'T', 'R', 'mode', 'binary', 'empty'),
    path: name,
    oldPath: name,
    removed: hunkText,
    added: hunkText,
    noNewline: fc.boolean(),
  })

  it('counts the lines of any change, whatever the file names hold, fed in chunks of any size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(change, { maxLength: 12, selector: (c) => c.path }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (changes, cuts) => {
          const rawFields: string[] = []
          let patch = ''
          const expected: [string, number | null, number | null, boolean][] = []
          for (const c of changes) {
            const quote = (prefix: string, p: string): string => gitQuote(prefix, p)
            const header = (from: string, to: string): string =>
              `diff --git ${quote('a/', from).trimEnd()} ${quote('b/', to).trimEnd()}\n`
            /** One hunk section; `removed`/`added` as the side allows. */
            const body = (
              from: string | null,
              to: string | null,
              removed: string[],
              added: string[],
            ): string => {
              if (removed.length + added.length === 0) return ''
              let text = `--- ${from === null ? '/dev/null' : quote('a/', from)}\n`
              text += `+++ ${to === null ? '/dev/null' : quote('b/', to)}\n`
              const n = (k: number): string => (k === 1 ? '' : `,${k}`)
              text += `@@ -${removed.length === 0 ? 0 : 1}${n(removed.length)} +${added.length === 0 ? 0 : 1}${n(added.length)} @@\n`
              for (const r of removed) text += `-${r}\n`
              for (const a of added) text += `+${a}\n`
              if (c.noNewline) text += '\\ No newline at end of file\n'
              return text
            }
            const oidLine = `index ${A40}..${B40} 100644\n`
            switch (c.kind) {
              case 'A':
                rawFields.push(`:000000 100644 ${Z40} ${B40} A`, c.path)
                patch += `${header(c.path, c.path)}new file mode 100644\n${oidLine}${body(null, c.path, [], c.added)}`
                expected.push([c.path, c.added.length, 0, false])
                break
              case 'D':
                rawFields.push(`:100644 000000 ${A40} ${Z40} D`, c.path)
                patch += `${header(c.path, c.path)}deleted file mode 100644\n${oidLine}${body(c.path, null, c.removed, [])}`
                expected.push([c.path, 0, c.removed.length, false])
                break
              case 'M':
                rawFields.push(`:100644 100644 ${A40} ${B40} M`, c.path)
                patch += `${header(c.path, c.path)}${oidLine}${body(c.path, c.path, c.removed, c.added)}`
                expected.push([c.path, c.added.length, c.removed.length, false])
                break
              case 'R':
                rawFields.push(`:100644 100644 ${A40} ${B40} R050`, c.oldPath, c.path)
                patch += `${header(c.oldPath, c.path)}similarity index 50%\nrename from ${quote('', c.oldPath).trimEnd()}\nrename to ${quote('', c.path).trimEnd()}\n${oidLine}${body(c.oldPath, c.path, c.removed, c.added)}`
                expected.push([c.path, c.added.length, c.removed.length, false])
                break
              case 'T':
                rawFields.push(`:100644 120000 ${A40} ${B40} T`, c.path)
                patch += `${header(c.path, c.path)}deleted file mode 100644\n${oidLine}${body(c.path, null, c.removed, [])}`
                patch += `${header(c.path, c.path)}new file mode 120000\n${oidLine}${body(null, c.path, [], c.added)}`
                expected.push([c.path, c.added.length, c.removed.length, false])
                break
              case 'mode':
                rawFields.push(`:100644 100755 ${A40} ${A40} M`, c.path)
                patch += `${header(c.path, c.path)}old mode 100644\nnew mode 100755\n`
                expected.push([c.path, 0, 0, false])
                break
              case 'binary':
                rawFields.push(`:100644 100644 ${A40} ${B40} M`, c.path)
                patch += `${header(c.path, c.path)}${oidLine}GIT binary patch\nliteral 7\nOcmYew%wx#UO9cQ4-vWF9\n\nliteral 7\nOcmYew%ws4i&j$bs3Idb>\n\n`
                expected.push([c.path, null, null, true])
                break
              case 'empty':
                rawFields.push(`:000000 100644 ${Z40} ${B40} A`, c.path)
                patch += `${header(c.path, c.path)}new file mode 100644\nindex ${Z40}..${B40}\n`
                expected.push([c.path, 0, 0, false])
                break
            }
          }
          const output =
            rawFields.length === 0
              ? Buffer.alloc(0)
              : Buffer.from(`${rawFields.map((f) => `${f}\0`).join('')}\0${patch}`, 'utf8')
          const { entries } = readDiffTree(output, cuts)
          expect(
            entries.map((e) => [e.file.path, e.file.additions, e.file.deletions, e.file.binary]),
          ).toEqual(expected)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('isBinaryToGit', () => {
  const cases: { name: string; size: number; head: number[]; expected: boolean }[] = [
    { name: 'text', size: 5, head: [0x61, 0x62, 0x0a, 0x63, 0x0a], expected: false },
    { name: 'a NUL byte', size: 3, head: [0x61, 0x00, 0x62], expected: true },
    {
      name: 'a NUL byte after the first 8,000',
      size: 8_001,
      head: [...Array<number>(8_000).fill(0x61), 0],
      expected: false,
    },
    {
      name: 'a NUL byte at the 8,000th',
      size: 8_000,
      head: [...Array<number>(7_999).fill(0x61), 0],
      expected: true,
    },
    { name: 'a size over the threshold', size: 10_001, head: [0x61], expected: true },
    { name: 'a size at the threshold', size: 10_000, head: [0x61], expected: false },
  ]
  it.each(cases)('judges $name', ({ size, head, expected }) => {
    expect(isBinaryToGit(size, Buffer.from(head), 10_000)).toBe(expected)
  })
})

/** Quotes a path the way git does with core.quotePath=true (quote.c, quote_c_style). */
function gitQuote(prefix: string, path: string): string {
  const bytes = Buffer.from(prefix + path, 'utf8')
  const named: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
    0x22: '"',
    0x5c: '\\',
  }
  const special = (b: number): boolean => b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x7f
  if (!bytes.some(special)) return bytes.toString('utf8') + (path.includes(' ') ? '\t' : '')
  let out = '"'
  for (const b of bytes) {
    if (!special(b)) out += String.fromCharCode(b)
    else out += `\\${named[b] ?? b.toString(8).padStart(3, '0')}`
  }
  return `${out}"${path.includes(' ') ? '\t' : ''}`
}

describe('unquoteGitPath', () => {
  const cases: { quoted: string; expected: Buffer }[] = [
    { quoted: 'b/plain name', expected: Buffer.from('b/plain name') },
    { quoted: '"b/tab\\there"', expected: Buffer.from('b/tab\there') },
    { quoted: '"b/\\a\\b\\t\\n\\v\\f\\r\\"\\\\"', expected: Buffer.from('b/\x07\b\t\n\v\f\r"\\') },
    { quoted: '"b/caf\\303\\251"', expected: Buffer.from('b/café') },
    { quoted: '"b/raw\\377"', expected: Buffer.from([0x62, 0x2f, 0x72, 0x61, 0x77, 0xff]) },
    { quoted: '"b/with space"\t', expected: Buffer.from('b/with space') },
  ]
  it.each(cases)('reads $quoted', ({ quoted, expected }) => {
    expect(unquoteGitPath(Buffer.from(quoted, 'latin1')).equals(expected)).toBe(true)
  })

  it.each(['"b/unterminated', '"b/bad\\9"', '"b/short\\30'])('refuses %s', (quoted) => {
    expect(() => unquoteGitPath(Buffer.from(quoted))).toThrow(/quoted path/)
  })
})

/** The `-U0` patch git printed for the change in the recorded diff-tree output (see report). */
const RECORDED_PATCH = `diff --git a/a.txt b/a.txt
old mode 100644
new mode 100755
diff --git a/bin b/bin
index e899662..9de10b8 100644
Binary files a/bin and b/bin differ
diff --git a/d/f b/d/g
similarity index 28%
rename from d/f
rename to d/g
index 587be6b..aee5fdc 100644
--- a/d/f
+++ b/d/g
@@ -1,0 +2 @@ x
+more
diff --git a/lnk b/lnk
deleted file mode 120000
index 8d14cbf..0000000
--- a/lnk
+++ /dev/null
@@ -1 +0,0 @@
-a.txt
\\ No newline at end of file
diff --git a/lnk b/lnk
new file mode 100644
index 0000000..a53e499
--- /dev/null
+++ b/lnk
@@ -0,0 +1 @@
+not link
diff --git "a/new\\nline" "b/new\\nline"
new file mode 100644
index 0000000..ea0c8a8
--- /dev/null
+++ "b/new\\nline"
@@ -0,0 +1 @@
+q
\\ No newline at end of file
diff --git a/sp ace b/sp ace
new file mode 100644
index 0000000..3e75765
--- /dev/null
+++ b/sp ace\t
@@ -0,0 +1 @@
+new
`

function parseAll(patch: string | Buffer, options?: AddedLineParserOptions): Line[] {
  const parser = new AddedLineParser(options)
  return linesOf([...parser.push(Buffer.from(patch)), ...parser.end()])
}

describe('AddedLineParser', () => {
  it('reads a recorded patch', () => {
    expect(parseAll(RECORDED_PATCH)).toEqual([
      { path: 'd/g', line: 2, text: 'more' },
      { path: 'lnk', line: 1, text: 'not link' },
      { path: 'new\nline', line: 1, text: 'q' },
      { path: 'sp ace', line: 1, text: 'new' },
    ])
  })

  it('takes lines that look like headers inside a hunk as content', () => {
    const patch = [
      'diff --git a/x b/x',
      '--- a/x',
      '+++ b/x',
      '@@ -3,2 +3,5 @@',
      '---- a/evil',
      '-diff --git a/y b/y',
      '++++ b/evil',
      '+diff --git a/z b/z',
      '+@@ -1 +1 @@',
      '+\\ not a marker',
      '+',
      '',
    ].join('\n')
    expect(parseAll(patch)).toEqual([
      { path: 'x', line: 3, text: '+++ b/evil' },
      { path: 'x', line: 4, text: 'diff --git a/z b/z' },
      { path: 'x', line: 5, text: '@@ -1 +1 @@' },
      { path: 'x', line: 6, text: '\\ not a marker' },
      { path: 'x', line: 7, text: '' },
    ])
  })

  it('numbers lines across hunks and context lines', () => {
    const patch = [
      'diff --git a/x b/x',
      '--- a/x',
      '+++ b/x',
      '@@ -1,2 +1,3 @@ heading',
      ' one',
      '+two',
      ' three',
      '@@ -10 +11,2 @@',
      '-old',
      '+new',
      '+newer',
      '',
      '',
    ].join('\n')
    expect(parseAll(patch)).toEqual([
      { path: 'x', line: 2, text: 'two' },
      { path: 'x', line: 11, text: 'new' },
      { path: 'x', line: 12, text: 'newer' },
    ])
  })

  const broken: { name: string; patch: string; error: RegExp }[] = [
    {
      name: 'more lines than the hunk header counts',
      patch: 'diff --git a/x b/x\n+++ b/x\n@@ -0,0 +1 @@\n+a\n+b\n',
      error: /outside a hunk/,
    },
    {
      name: 'a patch cut inside a hunk',
      patch: 'diff --git a/x b/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n',
      error: /ended inside a hunk/,
    },
    {
      name: 'a malformed hunk header',
      patch: '+++ b/x\n@@ -a +b @@\n',
      error: /Malformed hunk header/,
    },
    {
      name: 'added lines for an unnamed file',
      patch: 'diff --git a/x b/x\n@@ -0,0 +1 @@\n+a\n',
      error: /did not name/,
    },
    {
      name: 'a strange new-file label',
      patch: 'diff --git a/x b/x\n+++ x\n',
      error: /new-file label/,
    },
  ]
  it.each(broken)('refuses $name', ({ patch, error }) => {
    expect(() => parseAll(patch)).toThrow(error)
  })

  it('splits a long line into bounded, overlapping pieces of it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }).filter((s) => !s.includes('\n')),
        fc.integer({ min: 16, max: 64 }),
        (text, maxLineBytes) => {
          const overlapBytes = Math.floor(maxLineBytes / 4)
          const pieces = parseAll(`+++ b/x\n@@ -0,0 +7 @@\n+${text}\n`, {
            maxLineBytes,
            overlapBytes,
          })
          const whole = Buffer.from(text)
          const bytes = pieces.map((p) => Buffer.from(p.text))
          expect(pieces.every((p) => p.path === 'x' && p.line === 7)).toBe(true)
          expect(bytes.every((b) => b.length <= maxLineBytes)).toBe(true)
          // Cut on character boundaries: every piece is a piece of the text, first and last at its ends.
          expect(bytes.every((b) => whole.indexOf(b) !== -1)).toBe(true)
          expect(whole.subarray(0, bytes[0]?.length).equals(bytes[0] ?? Buffer.alloc(0))).toBe(true)
          expect(
            whole
              .subarray(whole.length - (bytes.at(-1)?.length ?? 0))
              .equals(bytes.at(-1) ?? Buffer.alloc(0)),
          ).toBe(true)
          // Each piece starts with the end of the one before (overlapBytes, up to 3 more to keep characters whole).
          for (let i = 1; i < bytes.length; i++) {
            const at = (bytes[i] ?? Buffer.alloc(0)).indexOf(
              (bytes[i - 1] ?? Buffer.alloc(0)).subarray(-overlapBytes),
            )
            expect(at).toBeGreaterThanOrEqual(0)
            expect(at).toBeLessThanOrEqual(3)
          }
          const total = bytes.reduce((n, b) => n + b.length, 0)
          expect(whole.length).toBeLessThanOrEqual(total - (bytes.length - 1) * overlapBytes)
          expect(whole.length).toBeGreaterThanOrEqual(
            total - (bytes.length - 1) * (overlapBytes + 3),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('splits a long line into exactly the expected pieces', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz0123456789'
    expect(
      parseAll(`+++ b/x\n@@ -0,0 +1 @@\n+${text}\n`, { maxLineBytes: 16, overlapBytes: 4 }),
    ).toEqual([
      { path: 'x', line: 1, text: 'abcdefghijklmnop' },
      { path: 'x', line: 1, text: 'mnopqrstuvwxyz01' },
      { path: 'x', line: 1, text: 'yz0123456789' },
    ])
  })

  const hunk = fc.record({
    gap: fc.nat({ max: 5 }),
    removed: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
    added: fc.array(
      fc.string({ unit: 'binary', maxLength: 90 }).map((s) => s.replace(/\n/g, '')),
      {
        maxLength: 4,
      },
    ),
    noNewline: fc.boolean(),
  })
  const section = fc.record({
    path: fc.string({
      unit: fc.oneof(
        fc.constantFrom(' ', '"', '\\', '\n', '\t', 'é', '✓', '\x01'),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
      ),
      minLength: 1,
      maxLength: 10,
    }),
    kind: fc.constantFrom('text', 'binary', 'mode'),
    hunks: fc.array(hunk, { maxLength: 3 }),
  })

  /** A patch as git would print it, and the added lines in it. */
  function buildPatch(
    sections: {
      path: string
      kind: string
      hunks: { gap: number; removed: string[]; added: string[]; noNewline: boolean }[]
    }[],
  ): {
    patch: string
    expected: Line[]
  } {
    let patch = ''
    const expected: Line[] = []
    for (const s of sections) {
      patch += `diff --git ${gitQuote('a/', s.path).trimEnd()} ${gitQuote('b/', s.path).trimEnd()}\n`
      if (s.kind === 'mode') {
        patch += 'old mode 100644\nnew mode 100755\n'
        continue
      }
      patch += 'index 1111111..2222222 100644\n'
      if (s.kind === 'binary') {
        patch += `Binary files ${gitQuote('a/', s.path)} and ${gitQuote('b/', s.path)} differ\n`
        continue
      }
      patch += `--- ${gitQuote('a/', s.path)}\n+++ ${gitQuote('b/', s.path)}\n`
      let oldLine = 1
      let newLine = 1
      for (const h of s.hunks.filter((x) => x.removed.length + x.added.length > 0)) {
        oldLine += h.gap
        newLine += h.gap
        const count = (n: number): string => (n === 1 ? '' : `,${n}`)
        patch += `@@ -${oldLine}${count(h.removed.length)} +${newLine}${count(h.added.length)} @@ some heading\n`
        for (const r of h.removed) patch += `-${r}\n`
        h.added.forEach((text, i) => {
          patch += `+${text}\n`
          expected.push({ path: s.path, line: newLine + i, text })
        })
        if (h.noNewline) patch += '\\ No newline at end of file\n'
        oldLine += h.removed.length
        newLine += h.added.length
      }
    }
    return { patch, expected }
  }

  it('reads back the added lines of any patch, whatever the file names hold', () => {
    fc.assert(
      fc.property(fc.array(section, { maxLength: 6 }), (sections) => {
        const { patch, expected } = buildPatch(sections)
        expect(parseAll(patch)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })

  it('gives the same lines fed in chunks of any size as fed whole', () => {
    fc.assert(
      fc.property(
        fc.array(section, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 16, max: 40 }),
        (sections, cuts, maxLineBytes) => {
          const { patch } = buildPatch(sections)
          const options = { maxLineBytes, overlapBytes: 6 }
          const whole = parseAll(patch, options)
          const parser = new AddedLineParser(options)
          const chunked = linesOf([
            ...feed(Buffer.from(patch), cuts, (c) => parser.push(c)),
            ...parser.end(),
          ])
          expect(chunked).toEqual(whole)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('AddedLineParser runs of lines', () => {
  it('joins consecutive added lines of one chunk, within maxLineBytes, and decodes them as lines', () => {
    const patch = Buffer.concat([
      Buffer.from('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,7 @@\n+one\n++plus\n+'),
      Buffer.from([0xe2, 0x9c]),
      Buffer.from('\n'),
      Buffer.from('+caf\xc3\xa9\n', 'latin1'),
      Buffer.from(' same\n-gone\n+after\n+last\n'),
    ])
    const parser = new AddedLineParser({ maxLineBytes: 16, overlapBytes: 4 })
    const runs = [...parser.push(patch), ...parser.end()]
    expect(runs).toEqual([
      { path: 'x', line: 1, text: 'one\n+plus\n\\xe2\\x9c', lines: 3 },
      { path: 'x', line: 4, text: 'café', lines: 1 },
      { path: 'x', line: 6, text: 'after\nlast', lines: 2 },
    ])
  })

  it('never gives a run longer than maxLineBytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 16, max: 64 }),
        (added, maxLineBytes) => {
          const patch = `+++ b/x\n@@ -0,0 +1,${added.length} @@\n${added.map((a) => `+${a}\n`).join('')}`
          const parser = new AddedLineParser({ maxLineBytes, overlapBytes: 4 })
          const runs = [...parser.push(Buffer.from(patch)), ...parser.end()]
          for (const run of runs)
            expect(Buffer.byteLength(run.text)).toBeLessThanOrEqual(maxLineBytes)
          expect(linesOf(runs).map((l) => l.text)).toEqual(added)
        },
      ),
    )
  })
})

describe('CatFileBatchParser', () => {
  const output = Buffer.concat([
    Buffer.from(`${A40} blob 11\n../etc/pass\n`),
    Buffer.from(`${B40} missing\n`),
    Buffer.from(`${Z40} blob 0\n\n`),
  ])

  it('reads objects fed in chunks of any size', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
        const parser = new CatFileBatchParser()
        const objects = feed(output, cuts, (c) => parser.push(c))
        parser.end()
        expect(objects.map((o) => [o.oid, o.type, o.content.toString(), o.truncated])).toEqual([
          [A40, 'blob', '../etc/pass', false],
          [B40, 'missing', '', false],
          [Z40, 'blob', '', false],
        ])
      }),
    )
  })

  it('keeps only the first maxContentBytes of an object', () => {
    const parser = new CatFileBatchParser(4)
    const [object] = parser.push(Buffer.from(`${A40} blob 11\n../etc/pass\n`))
    expect(object).toMatchObject({ size: 11, truncated: true })
    expect(object?.content.toString()).toBe('../e')
  })

  it('refuses output that stops inside an object', () => {
    const parser = new CatFileBatchParser()
    parser.push(Buffer.from(`${A40} blob 11\n../e`))
    expect(() => {
      parser.end()
    }).toThrow(/ended early/)
  })
})

describe('NulSplitter', () => {
  it('splits fields fed in chunks of any size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a.filter((b) => b !== 0)))),
        fc.array(fc.nat(), { maxLength: 20 }),
        (fields, cuts) => {
          const input = Buffer.concat(fields.flatMap((f) => [f, Buffer.from([0])]))
          const splitter = new NulSplitter()
          const out = [...feed(input, cuts, (c) => splitter.push(c)), ...splitter.end()]
          expect(out.map((b) => b.toString('hex'))).toEqual(fields.map((b) => b.toString('hex')))
        },
      ),
    )
  })

  it('refuses a field longer than its limit', () => {
    expect(() => new NulSplitter(4).push(Buffer.from('12345'))).toThrow(/longer than 4 bytes/)
  })
})

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

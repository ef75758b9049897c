/**
 * What the parser tests share: recorded git output (a mixed change, as git 2.39 printed it),
 * helpers to feed a parser in chunks and to quote paths as git does, and a generator of file
 * names that break naive parsing.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import {
  AddedLineParser,
  type AddedLine,
  type PatchSection,
} from '../../../src/audit/parse/added-lines.js'
import { joinPatchSections, type DiffEntry } from '../../../src/audit/parse/join.js'
import { RawPatchSplitter } from '../../../src/audit/parse/raw.js'

export const Z40 = '0'.repeat(40)
export const A40 = 'a'.repeat(40)
export const B40 = 'b'.repeat(40)

/** One added line, as the tests spell them. */
export interface Line {
  path: string
  line: number
  text: string
}

/** The parser's runs of consecutive added lines, split back into lines (checking `lines`). */
export function linesOf(added: AddedLine[]): Line[] {
  return added.flatMap(({ path, line, text, lines }) => {
    const parts = lines === 1 ? [text] : text.split('\n')
    expect(parts).toHaveLength(lines)
    return parts.map((part, i) => ({ path, line: line + i, text: part }))
  })
}

/** Feeds `input` to a chunked parser cut at `cuts` (offsets), collecting every result. */
export function feed<T>(input: Buffer, cuts: number[], push: (chunk: Buffer) => T[]): T[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b)
  const out: T[] = []
  let start = 0
  for (const point of [...points, input.length]) {
    out.push(...push(input.subarray(start, point)))
    start = point
  }
  return out
}

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
export const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 12 })

/**
 * What `git diff-tree -r -z --raw -p --binary --full-index -M` (git 2.39) printed for a mixed
 * change: a mode-only change, a binary edit, a rename with an edit and no newline at the end, a
 * new symlink, a symlink replaced by a file, names with a newline and a space, a deletion and a
 * submodule update. `git diff-tree --numstat` said: 0 0 a.txt, - - bin, 1 0 d/g, 1 0 link out,
 * 1 1 lnk, 1 0 new\nline, 0 2 old, 1 0 sp ace, 1 1 sub.
 */
export const O = {
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
export const RECORDED_RAW = [
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
export const RECORDED_FULL_PATCH = `diff --git a/a.txt b/a.txt
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
export const RECORDED = Buffer.from(
  `${RECORDED_RAW.map((f) => `${f}\0`).join('')}\0${RECORDED_FULL_PATCH}`,
  'utf8',
)

/** Splits and parses a whole `diff-tree -z --raw -p` output fed in pieces cut at `cuts`. */
export function readDiffTree(
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

/** Quotes a path the way git does with core.quotePath=true (quote.c, quote_c_style). */
export function gitQuote(prefix: string, path: string): string {
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

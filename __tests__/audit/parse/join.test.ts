import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PatchSection } from '../../../src/audit/parse/added-lines.js'
import { joinPatchSections } from '../../../src/audit/parse/join.js'
import type { RawEntry } from '../../../src/audit/parse/raw.js'
import type { ChangedFile } from '../../../src/types/stages.js'
import { A40, B40, gitQuote, name, O, readDiffTree, RECORDED, Z40 } from './fixtures.js'

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

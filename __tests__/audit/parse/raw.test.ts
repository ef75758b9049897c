import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRawZ, RawPatchSplitter, type RawEntry } from '../../../src/audit/parse/raw.js'
import {
  A40,
  B40,
  name,
  O,
  readDiffTree,
  RECORDED,
  RECORDED_FULL_PATCH,
  RECORDED_RAW,
  Z40,
} from './fixtures.js'

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

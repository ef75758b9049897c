import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stickyMarker } from '../../src/report/marker.js'

describe('stickyMarker', () => {
  it.each<[string, [string, string, string?], string]>([
    ['names workflow and job', ['ci', 'agent'], '<!-- airlock:v1 workflow="ci" job="agent" -->'],
    [
      'adds the matrix key',
      ['ci', 'agent', 'node-20'],
      '<!-- airlock:v1 workflow="ci" job="agent" matrix="node-20" -->',
    ],
    [
      'ignores an empty matrix key',
      ['ci', 'agent', ''],
      '<!-- airlock:v1 workflow="ci" job="agent" -->',
    ],
    [
      'keeps spaces and single dashes',
      ['Claude review', 'run-agent'],
      '<!-- airlock:v1 workflow="Claude review" job="run-agent" -->',
    ],
    [
      'encodes a second dash so no -- appears',
      ['a--b', 'x'],
      '<!-- airlock:v1 workflow="a-%2Db" job="x" -->',
    ],
    [
      'encodes > and quotes',
      ['a-->b"c', 'x'],
      '<!-- airlock:v1 workflow="a-%2D%3Eb%22c" job="x" -->',
    ],
    ['encodes line breaks', ['a\nb', 'x'], '<!-- airlock:v1 workflow="a%0Ab" job="x" -->'],
    ['encodes non-ASCII as UTF-8', ['é', 'x'], '<!-- airlock:v1 workflow="%C3%A9" job="x" -->'],
    [
      'encodes the percent sign itself',
      ['100%', 'x'],
      '<!-- airlock:v1 workflow="100%25" job="x" -->',
    ],
  ])('%s', (_name, [workflow, job, matrix], expected) => {
    expect(stickyMarker(workflow, job, matrix)).toBe(expected)
  })

  it('is always one well-formed HTML comment, and distinct inputs never share a prefix', () => {
    const value = fc.string({ unit: 'binary', maxLength: 12 })
    const args = fc.tuple(value, value, fc.option(value, { nil: undefined }))
    fc.assert(
      fc.property(args, args, (a, b) => {
        const ma = stickyMarker(...a)
        const mb = stickyMarker(...b)
        for (const m of [ma, mb]) {
          expect(m.startsWith('<!-- ') && m.endsWith(' -->')).toBe(true)
          const inner = m.slice(4, -3)
          expect(inner).not.toMatch(/--|>|[\n\r]/)
        }
        const same = a[0] === b[0] && a[1] === b[1] && (a[2] ?? '') === (b[2] ?? '')
        if (!same) {
          expect(ma.startsWith(mb)).toBe(false)
          expect(mb.startsWith(ma)).toBe(false)
        }
      }),
      { numRuns: 500 },
    )
  })
})

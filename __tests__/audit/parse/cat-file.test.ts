import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CatFileBatchParser } from '../../../src/audit/parse/cat-file.js'
import { A40, B40, feed, Z40 } from './fixtures.js'

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

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NulSplitter } from '../../../src/audit/parse/nul.js'
import { feed } from './fixtures.js'

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

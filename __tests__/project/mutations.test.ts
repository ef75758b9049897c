/** Every edit `npm run mutations` makes still finds its text, exactly once, in its file. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { MUTATIONS } from '../../scripts/mutations-list.mjs'

interface Edit {
  file: string
  find: string
}
interface Mutation extends Edit {
  id: string
  test: string
  more?: Edit[]
}

const ROOT = path.resolve(import.meta.dirname, '../..')
const list = MUTATIONS as Mutation[]

describe('mutations', () => {
  it.each(list.map((m) => [m.id, m] as const))(
    '%s finds each of its edits exactly once',
    (_, m) => {
      for (const edit of [m, ...(m.more ?? [])]) {
        const text = readFileSync(path.join(ROOT, edit.file), 'utf8')
        expect(text.split(edit.find).length - 1, `${edit.file}: ${edit.find}`).toBe(1)
      }
    },
  )

  it('names end-to-end tests that exist', () => {
    for (const m of list) {
      expect(() => readFileSync(path.join(ROOT, '__tests__/e2e', m.test)), m.test).not.toThrow()
    }
  })
})

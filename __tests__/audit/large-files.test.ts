import { describe, expect, it } from 'vitest'
import { audit, repoWith, summary, write } from './harness.js'

describe('collectChanges streams large new text files from its store', () => {
  it("streams a large new text file: every line counted and scanned, in git's order", async () => {
    const lines = 'x'.repeat(99) + '\n'
    const record = await audit(repoWith({ 'a.txt': 'a\n', 'z.txt': 'z\n' }), (r) => {
      write(r, 'a.txt', 'a\nmore\n')
      write(r, 'm-large.txt', `${lines.repeat(180_000)}SECRET at the end`)
      write(r, 'm-large.bin', Buffer.concat([Buffer.from([0]), Buffer.alloc(17 << 20, 0x41)]))
      write(r, 'z.txt', 'z\nzz\n')
    })
    expect(summary(record.files)).toEqual([
      'modified a.txt',
      'added m-large.bin',
      'added m-large.txt',
      'modified z.txt',
    ])
    expect(record.files.find((f) => f.path === 'm-large.txt')).toMatchObject({ additions: 180_001 })
    expect(record.files.find((f) => f.path === 'm-large.bin')).toMatchObject({ binary: true })
    const scanned = record.scanned.filter((s) => s.path === 'm-large.txt')
    expect(scanned.reduce((n, s) => n + s.text.split('\n').length, 0)).toBe(180_001)
    expect(scanned.at(-1)?.text.endsWith('SECRET at the end')).toBe(true)
    const last = scanned.at(-1)
    expect((last?.firstLine ?? 0) + (last?.text.split('\n').length ?? 0) - 1).toBe(180_001)
  })
})

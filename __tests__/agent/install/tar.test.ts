import { describe, expect, it } from 'vitest'
import {
  entryNameProblem,
  extractTarEntry,
  parseTarHeader,
} from '../../../src/agent/install/tar.js'
import { chunks, header, pax, tar, type Entry } from '../../fakes/tarball.js'

async function extract(archive: Buffer, wanted = 'package/claude'): Promise<string> {
  const out: Buffer[] = []
  await extractTarEntry(chunks(archive, 333), wanted, async (chunk) => {
    out.push(Buffer.from(chunk))
    await Promise.resolve()
  })
  return Buffer.concat(out).toString('utf8')
}

describe('tar reading', () => {
  it('decodes a header and refuses one with a wrong checksum', () => {
    const block = header('package/claude', 1234, '0')
    expect(parseTarHeader(block)).toEqual({ name: 'package/claude', size: 1234, type: '0' })
    expect(parseTarHeader(Buffer.alloc(512))).toBeNull()
    block[10] = 0x41
    expect(() => parseTarHeader(block)).toThrow(/checksum/)
  })

  it('joins the ustar prefix and the name', () => {
    const block = header('claude', 1, '0')
    block.write('package', 345, 'latin1')
    block.fill(0x20, 148, 156)
    let sum = 0
    for (const byte of block) sum += byte
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
    expect(parseTarHeader(block)?.name).toBe('package/claude')
  })

  it.each([
    ['package/claude', null],
    ['package/lib/x.js', null],
    ['package/..hidden', null],
    ['/etc/passwd', /absolute/],
    ['C:/Windows/x', /absolute/],
    ['package/../../evil', /leaves the package folder/],
    ['..', /leaves the package folder/],
    ['package\\..\\evil', /backslash/],
    ['', /without a name/],
  ])('entry name %j: %s', (name, problem) => {
    const found = entryNameProblem(name)
    if (problem === null) expect(found).toBeNull()
    else expect(found).toMatch(problem)
  })

  it('hands over the body of package/claude only, across any chunking', async () => {
    const big = 'y'.repeat(70_000)
    const archive = tar([
      { name: 'package/', type: '5' },
      { name: 'package/README.md', body: 'readme' },
      { name: 'package/claude', body: big },
      { name: 'package/LICENSE.md', body: 'license' },
    ])
    expect(await extract(archive)).toBe(big)
  })

  it('follows pax and GNU long names', async () => {
    const paxed = tar([pax({ path: 'package/claude' }), { name: 'ignored', body: 'from pax' }])
    expect(await extract(paxed)).toBe('from pax')
    const gnu = tar([
      { name: '././@LongLink', type: 'L', body: 'package/claude\0' },
      { name: 'package/cla', body: 'from L' },
    ])
    expect(await extract(gnu)).toBe('from L')
  })

  it.each<[string, Entry[], RegExp]>([
    [
      'a traversal entry',
      [
        { name: 'package/../../evil', body: 'x' },
        { name: 'package/claude', body: 'ok' },
      ],
      /leaves the package folder/,
    ],
    ['an absolute entry', [{ name: '/tmp/evil', body: 'x' }], /absolute/],
    [
      'a pax path that leaves the folder',
      [pax({ path: '../evil' }), { name: 'package/x', body: 'x' }],
      /leaves the package folder/,
    ],
    [
      'package/claude as a symbolic link',
      [{ name: 'package/claude', type: '2', link: '/bin/sh' }],
      /symbolic link/,
    ],
    [
      'a hard link anywhere',
      [
        { name: 'package/claude', body: 'ok' },
        { name: 'package/x', type: '1', link: 'package/claude' },
      ],
      /hard link/,
    ],
    ['a device', [{ name: 'package/dev', type: '3' }], /character device/],
    [
      'package/claude twice',
      [
        { name: 'package/claude', body: 'one' },
        { name: 'package/claude', body: 'two' },
      ],
      /twice/,
    ],
    ['no package/claude', [{ name: 'package/README.md', body: 'x' }], /has no package\/claude/],
    ['package/claude as a folder', [{ name: 'package/claude/', type: '5' }], /as a folder/],
  ])('refuses %s', async (_name, entries, error) => {
    await expect(extract(tar(entries))).rejects.toThrow(error)
  })

  it('refuses a stream that ends inside an entry', async () => {
    const archive = tar([{ name: 'package/claude', body: 'z'.repeat(5000) }], { end: false })
    await expect(extract(archive.subarray(0, 2048))).rejects.toThrow(/truncated/)
    await expect(extract(archive.subarray(0, 700))).rejects.toThrow(/truncated/)
  })
})

import { createHash, randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PINNED_CLAUDE_INTEGRITY, PINNED_CLAUDE_VERSION } from '../../../src/agent/install/pins.js'
import {
  cachedInstallProblem,
  cacheDir,
  CLAUDE_PACKAGE,
  entryNameProblem,
  extractTarEntry,
  installClaude,
  manifestUrl,
  parseMarker,
  parseTarHeader,
  pinnedIntegrity,
  PLATFORM_BINARIES,
  platformPackage,
  registryFrom,
  renderMarker,
  reportsVersion,
  resolveClaude,
  sha512Of,
  tarballUrl,
  type InstallOptions,
  type Marker,
} from '../../../src/agent/install/install.js'
import { DEFAULT_CLAUDE_VERSION } from '../../../src/lock/defaults.js'
import { closeServer, listen } from '../../fakes/http.mjs'

const VERSION = '2.1.197'
const LINUX = platformPackage('linux', 'x64', false)

// ---------------------------------------------------------------------------------------------
// A tiny tar writer, so each test builds exactly the archive it needs.

interface Entry {
  name: string
  body?: string | Buffer
  /** Tar type flag: '0' file, '2' symlink, '1' hard link, '5' folder, 'x' pax … */
  type?: string
  link?: string
  mode?: number
}

function header(name: string, size: number, type: string, link = '', mode = 0o755): Buffer {
  const block = Buffer.alloc(512)
  block.write(name, 0, 100, 'utf8')
  block.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'latin1')
  block.write('0000000\0', 108, 'latin1')
  block.write('0000000\0', 116, 'latin1')
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1')
  block.write('00000000000\0', 136, 'latin1')
  block.write(type, 156, 'latin1')
  block.write(link, 157, 100, 'utf8')
  block.write('ustar\0', 257, 'latin1')
  block.write('00', 263, 'latin1')
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return block
}

function tar(entries: Entry[], { end = true } = {}): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '')
    parts.push(header(entry.name, body.length, entry.type ?? '0', entry.link, entry.mode))
    parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  if (end) parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

function pax(records: Record<string, string>): Entry {
  let body = ''
  for (const [key, value] of Object.entries(records)) {
    const record = ` ${key}=${value}\n`
    let length = record.length + 1
    while (`${length}${record}`.length !== length) length++
    body += `${length}${record}`
  }
  return { name: 'PaxHeader', type: 'x', body }
}

const script = (version: string): string => `#!/bin/sh\necho "${version} (Claude Code)"\n`

function packageTgz(entries?: Entry[], version = VERSION): Buffer {
  return gzipSync(
    tar(
      entries ?? [
        { name: 'package/package.json', body: '{"name":"@anthropic-ai/claude-code-linux-x64"}' },
        { name: 'package/claude', body: script(version) },
        { name: 'package/README.md', body: 'readme' },
      ],
    ),
  )
}

function integrity(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`
}

async function* chunks(buffer: Buffer, size = 100): AsyncIterable<Buffer> {
  for (let at = 0; at < buffer.length; at += size) {
    await Promise.resolve()
    yield buffer.subarray(at, at + size)
  }
}

async function extract(archive: Buffer, wanted = 'package/claude'): Promise<string> {
  const out: Buffer[] = []
  await extractTarEntry(chunks(archive, 333), wanted, async (chunk) => {
    out.push(Buffer.from(chunk))
    await Promise.resolve()
  })
  return Buffer.concat(out).toString('utf8')
}

// ---------------------------------------------------------------------------------------------
// Pure parts

describe('platformPackage', () => {
  it.each([
    ['linux', 'x64', false, 'linux-x64', 'claude'],
    ['linux', 'x64', true, 'linux-x64-musl', 'claude'],
    ['linux', 'arm64', false, 'linux-arm64', 'claude'],
    ['linux', 'arm64', true, 'linux-arm64-musl', 'claude'],
    ['darwin', 'arm64', false, 'darwin-arm64', 'claude'],
    ['darwin', 'x64', true, 'darwin-x64', 'claude'],
    ['win32', 'x64', false, 'win32-x64', 'claude.exe'],
    ['win32', 'arm64', false, 'win32-arm64', 'claude.exe'],
  ])('maps %s %s (musl: %s) to %s', (platform, arch, musl, key, binary) => {
    expect(platformPackage(platform, arch, musl)).toEqual({
      key,
      name: `@anthropic-ai/claude-code-${key}`,
      binary,
    })
  })

  it.each([
    ['freebsd', 'x64'],
    ['linux', 'ia32'],
    ['linux', 's390x'],
  ])('refuses %s %s and says to give claude-path', (platform, arch) => {
    expect(() => platformPackage(platform, arch, false)).toThrow(/give claude-path/)
  })
})

describe('registryFrom', () => {
  it('uses registry.npmjs.org by default', () => {
    expect(registryFrom({}).href).toBe('https://registry.npmjs.org/')
    expect(registryFrom({ npm_config_registry: '  ' }).href).toBe('https://registry.npmjs.org/')
  })

  it.each([
    ['https://npm.example.com/repo', 'https://npm.example.com/repo/'],
    ['https://npm.example.com/repo/', 'https://npm.example.com/repo/'],
    ['http://127.0.0.1:4873', 'http://127.0.0.1:4873/'],
    ['http://localhost:4873/', 'http://localhost:4873/'],
  ])('accepts the mirror %s', (value, href) => {
    expect(registryFrom({ npm_config_registry: value }).href).toBe(href)
    expect(registryFrom({ NPM_CONFIG_REGISTRY: value }).href).toBe(href)
  })

  it.each([
    ['http://npm.example.com/', /not https/],
    ['https://user:hunter2secret@npm.example.com/', /carries credentials/],
    ['https://npm.example.com/?token=hunter2secret', /query string/],
    ['file:///etc/passwd', /not https/],
    ['not a url hunter2secret', /not a URL/],
  ])('refuses %s without printing it', (value, reason) => {
    let message = ''
    try {
      registryFrom({ npm_config_registry: value })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(reason)
    expect(message).toMatch(/claude-path/)
    expect(message).not.toContain('hunter2secret')
  })
})

describe('registry URLs', () => {
  it('builds the tarball URL in the registry layout npm uses', () => {
    expect(tarballUrl(new URL('https://registry.npmjs.org/'), LINUX, VERSION).href).toBe(
      'https://registry.npmjs.org/@anthropic-ai/claude-code-linux-x64/-/claude-code-linux-x64-2.1.197.tgz',
    )
    expect(tarballUrl(new URL('https://m.example/npm/'), LINUX, VERSION).href).toBe(
      'https://m.example/npm/@anthropic-ai/claude-code-linux-x64/-/claude-code-linux-x64-2.1.197.tgz',
    )
  })

  it('builds the version document URL with the scope escaped', () => {
    expect(manifestUrl(new URL('https://registry.npmjs.org/'), LINUX, VERSION).href).toBe(
      'https://registry.npmjs.org/@anthropic-ai%2fclaude-code-linux-x64/2.1.197',
    )
  })
})

describe('sha512Of and reportsVersion', () => {
  const digest = createHash('sha512').update('x').digest('base64')

  it('takes the sha512 of an SRI string, even among others', () => {
    expect(sha512Of(`sha512-${digest}`)).toBe(digest)
    expect(sha512Of(`sha1-abc sha512-${digest}`)).toBe(digest)
    expect(sha512Of('sha256-n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=')).toBeNull()
    expect(sha512Of('sha512-short')).toBeNull()
  })

  it.each([
    ['2.1.197 (Claude Code)\n', '2.1.197', true],
    ['  2.1.197\n', '2.1.197', true],
    ['2.1.197 (Claude Code)', '2.1.19', false],
    ['2.1.1970 (Claude Code)', '2.1.197', false],
    ['2.1.196 (Claude Code)', '2.1.197', false],
    ['', '2.1.197', false],
  ])('%j reports %s: %s', (output, version, expected) => {
    expect(reportsVersion(output, version)).toBe(expected)
  })
})

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

describe('the completion marker', () => {
  const marker: Marker = {
    version: VERSION,
    platform: 'linux-x64',
    integrity: 'sha512-abc',
    trust: 'pinned',
    size: 100,
    installedAt: '2025-01-01T00:00:00.000Z',
  }
  const good = { isFile: true, size: 100, executable: true }
  const expected: { version: string; platform: string; integrity: string | null } = {
    version: VERSION,
    platform: 'linux-x64',
    integrity: 'sha512-abc',
  }

  it('round-trips, and is not found in an empty or foreign file', () => {
    expect(parseMarker(renderMarker(marker))).toEqual(marker)
    expect(parseMarker('')).toBeNull()
    expect(parseMarker('{"version":"2.1.197"}')).toBeNull()
    expect(parseMarker('[]')).toBeNull()
  })

  it.each<[string, Marker | null, typeof good | null, typeof expected, RegExp | null]>([
    ['reuses a matching install', marker, good, expected, null],
    [
      'reuses a first-use install when nothing is pinned',
      { ...marker, trust: 'registry' },
      good,
      { ...expected, integrity: null },
      null,
    ],
    ['needs a marker', null, good, expected, /no valid completion marker/],
    ['needs the same version', { ...marker, version: '2.1.196' }, good, expected, /2\.1\.196/],
    ['needs the same platform', { ...marker, platform: 'linux-x64-musl' }, good, expected, /musl/],
    [
      'needs the pinned integrity',
      { ...marker, integrity: 'sha512-other' },
      good,
      expected,
      /pinned/,
    ],
    ['needs the binary', marker, null, expected, /missing/],
    ['needs a regular file', marker, { ...good, isFile: false }, expected, /not a regular file/],
    ['needs the recorded size', marker, { ...good, size: 99 }, expected, /99 bytes, not 100/],
    ['needs an executable', marker, { ...good, executable: false }, expected, /not executable/],
  ])('%s', (_name, m, binary, want, problem) => {
    const found = cachedInstallProblem(m, binary, want)
    if (problem === null) expect(found).toBeNull()
    else expect(found).toMatch(problem)
  })
})

describe('the pinned integrity', () => {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<
      string,
      { version?: string; integrity?: string; optionalDependencies?: Record<string, string> }
    >
  }
  const wrapper = lock.packages[`node_modules/${CLAUDE_PACKAGE}`]

  it('pins the default claude-version, the one package-lock.json holds', () => {
    expect(PINNED_CLAUDE_VERSION).toBe(DEFAULT_CLAUDE_VERSION)
    expect(wrapper?.version).toBe(DEFAULT_CLAUDE_VERSION)
  })

  it('has one platform per native package of the CLI, and no other', () => {
    const names = Object.keys(wrapper?.optionalDependencies ?? {}).sort()
    expect(
      Object.keys(PLATFORM_BINARIES)
        .map((key) => `${CLAUDE_PACKAGE}-${key}`)
        .sort(),
    ).toEqual(names)
    expect(Object.keys(PINNED_CLAUDE_INTEGRITY).sort()).toEqual(
      Object.keys(PLATFORM_BINARIES).sort(),
    )
  })

  it.each(Object.keys(PLATFORM_BINARIES))(
    'equals package-lock.json for %s (run scripts/pin-claude.mjs)',
    (key) => {
      const entry = lock.packages[`node_modules/${CLAUDE_PACKAGE}-${key}`]
      expect(entry?.version).toBe(PINNED_CLAUDE_VERSION)
      expect(PINNED_CLAUDE_INTEGRITY[key]).toBe(entry?.integrity)
      expect(pinnedIntegrity(PINNED_CLAUDE_VERSION, key)).toBe(entry?.integrity)
      expect(pinnedIntegrity('2.1.196', key)).toBeNull()
    },
  )
})

// ---------------------------------------------------------------------------------------------
// The installer, against a registry on 127.0.0.1

type Handler = (req: IncomingMessage, res: ServerResponse) => void

describe('installClaude', () => {
  let server: Server
  let base: string
  let handler: Handler
  let requests: string[]
  let toolCache: string
  let logs: string[]
  let warnings: string[]

  const tarPath = '/@anthropic-ai/claude-code-linux-x64/-/claude-code-linux-x64-2.1.197.tgz'
  const serve =
    (body: Buffer): Handler =>
    (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': body.length,
      })
      res.end(body)
    }

  beforeEach(async () => {
    requests = []
    logs = []
    warnings = []
    handler = (_req, res) => res.writeHead(404).end()
    server = createServer((req, res) => {
      requests.push(req.url ?? '')
      handler(req, res)
    })
    base = await listen(server)
    toolCache = mkdtempSync(path.join(os.tmpdir(), 'airlock-toolcache-'))
  })

  afterEach(async () => {
    await closeServer(server)
    rmSync(toolCache, { recursive: true, force: true })
  })

  const options = (overrides: Partial<InstallOptions> = {}): InstallOptions => ({
    version: VERSION,
    platform: LINUX,
    toolCache,
    registry: new URL(`${base}/`),
    integrity: null,
    path: process.env.PATH ?? '/usr/bin:/bin',
    log: (line) => logs.push(line),
    warn: (line) => warnings.push(line),
    timing: { retryDelaysMs: [0, 0], idleTimeoutMs: 500, attemptTimeoutMs: 10_000 },
    ...overrides,
  })

  /** Every file and folder under the tool cache, relative to it. */
  const tree = (): string[] =>
    (readdirSync(toolCache, { recursive: true }) as string[])
      .map((p) => p.split(path.sep).join('/'))
      .sort()

  const failed = async (o: InstallOptions): Promise<string> => {
    try {
      await installClaude(o)
    } catch (error) {
      return (error as Error).message
    }
    throw new Error('the install did not fail')
  }

  it('installs cold: one download, only the binary and its marker, and the binary runs', async () => {
    const tgz = packageTgz()
    handler = serve(tgz)
    const installed = await installClaude(options({ integrity: integrity(tgz) }))
    const dir = cacheDir(toolCache, VERSION, 'linux-x64')
    expect(installed).toEqual({ path: path.join(dir, 'claude'), cached: false, trust: 'pinned' })
    expect(requests).toEqual([tarPath])
    expect(readdirSync(dir).sort()).toEqual(['.complete', 'claude'])
    expect(tree()).toEqual([
      'airlock-claude',
      'airlock-claude/2.1.197',
      'airlock-claude/2.1.197/linux-x64',
      'airlock-claude/2.1.197/linux-x64/.complete',
      'airlock-claude/2.1.197/linux-x64/claude',
    ])
    const marker = parseMarker(readFileSync(path.join(dir, '.complete'), 'utf8'))
    expect(marker).toMatchObject({
      version: VERSION,
      platform: 'linux-x64',
      trust: 'pinned',
      integrity: integrity(tgz),
      size: script(VERSION).length,
    })
    expect(logs.join('\n')).toMatch(
      /installed 2\.1\.197 \(linux-x64\) from 127\.0\.0\.1:\d+ .*pinned in Airlock/,
    )
    expect(warnings).toEqual([])
  })

  it('reuses a warm tool cache without touching the network', async () => {
    const tgz = packageTgz()
    handler = serve(tgz)
    await installClaude(options({ integrity: integrity(tgz) }))
    requests = []
    const again = await installClaude(options({ integrity: integrity(tgz) }))
    expect(again.cached).toBe(true)
    expect(requests).toEqual([])
    expect(logs.at(-1)).toMatch(/from the tool cache/)
  })

  it('reinstalls, with a warning, when the cached binary is not the one its marker describes', async () => {
    const tgz = packageTgz()
    handler = serve(tgz)
    const first = await installClaude(options({ integrity: integrity(tgz) }))
    writeFileSync(first.path, '#!/bin/sh\necho tampered\n')
    requests = []
    const again = await installClaude(options({ integrity: integrity(tgz) }))
    expect(again.cached).toBe(false)
    expect(requests).toEqual([tarPath])
    expect(warnings.join('\n')).toMatch(/cannot be reused \(its binary is \d+ bytes, not \d+\)/)
    expect(readFileSync(again.path, 'utf8')).toBe(script(VERSION))
  })

  it('refuses a download that does not match the integrity, and leaves nothing in the cache', async () => {
    handler = serve(packageTgz())
    const message = await failed(options({ integrity: integrity(Buffer.from('the real package')) }))
    expect(message).toMatch(
      /does not match the integrity pinned in Airlock for @anthropic-ai\/claude-code-linux-x64@2\.1\.197, so nothing was installed; .*give claude-path\.$/,
    )
    expect(requests).toHaveLength(1)
    expect(tree()).toEqual(['airlock-claude', 'airlock-claude/2.1.197'])
  })

  it('retries a truncated download, then says what to do; nothing is left in the cache', async () => {
    const tgz = packageTgz([{ name: 'package/claude', body: randomBytes(200_000) }])
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': tgz.length })
      res.write(tgz.subarray(0, tgz.length >> 1), () => res.destroy())
    }
    const message = await failed(options({ integrity: integrity(tgz) }))
    expect(message).toMatch(
      /after 3 attempts \(the download ended after \d+ of \d+ bytes\); allow 127\.0\.0\.1:\d+ from this runner, or give claude-path\.$/,
    )
    expect(requests).toHaveLength(3)
    expect(tree()).toEqual(['airlock-claude', 'airlock-claude/2.1.197'])
  })

  it('gives up on a registry that stops sending, and leaves no .complete anywhere', async () => {
    const tgz = packageTgz([{ name: 'package/claude', body: randomBytes(200_000) }])
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': tgz.length })
      res.write(tgz.subarray(0, 1000))
    }
    const message = await failed(
      options({ integrity: integrity(tgz), timing: { retryDelaysMs: [], idleTimeoutMs: 300 } }),
    )
    expect(message).toMatch(/after one attempt \(received nothing for \d+ s\)/)
    expect(tree().filter((p) => p.endsWith('.complete'))).toEqual([])
  })

  it('refuses a binary that reports another version', async () => {
    const tgz = packageTgz(undefined, '2.1.196')
    handler = serve(tgz)
    const message = await failed(options({ integrity: integrity(tgz) }))
    expect(message).toMatch(/reports version '2\.1\.196 \(Claude Code\)', not 2\.1\.197/)
    expect(tree()).toEqual(['airlock-claude', 'airlock-claude/2.1.197'])
  })

  it('refuses traversal entries even when the hash matches (a registry trusted on first use)', async () => {
    const tgz = packageTgz([
      { name: 'package/claude', body: script(VERSION) },
      { name: 'package/../../../evil', body: 'pwned' },
    ])
    handler = serve(tgz)
    const message = await failed(options({ integrity: integrity(tgz) }))
    expect(message).toMatch(
      /was refused \(the package's tarball has an entry that leaves the package folder/,
    )
    expect(requests).toHaveLength(1)
    expect(tree()).toEqual(['airlock-claude', 'airlock-claude/2.1.197'])
    expect(existsSync(path.join(toolCache, 'evil'))).toBe(false)
  })

  it('refuses package/claude as a symbolic link', async () => {
    const tgz = packageTgz([{ name: 'package/claude', type: '2', link: '/bin/sh' }])
    handler = serve(tgz)
    expect(await failed(options({ integrity: integrity(tgz) }))).toMatch(/symbolic link/)
  })

  it('replaces a crashed or older install that has no valid .complete', async () => {
    const dir = cacheDir(toolCache, VERSION, 'linux-x64')
    // The layout of the npm-based installer this replaces, and a crashed run's temp folder.
    mkdirSync(path.join(dir, 'node_modules'), { recursive: true })
    writeFileSync(path.join(dir, '.complete'), '')
    mkdirSync(path.join(path.dirname(dir), '.tmp-linux-x64-crashed'))
    writeFileSync(path.join(path.dirname(dir), '.tmp-linux-x64-crashed', 'claude'), 'half')
    const tgz = packageTgz()
    handler = serve(tgz)
    const installed = await installClaude(options({ integrity: integrity(tgz) }))
    expect(installed.cached).toBe(false)
    expect(warnings.join('\n')).toMatch(/no valid completion marker/)
    expect(readdirSync(dir).sort()).toEqual(['.complete', 'claude'])
    expect(parseMarker(readFileSync(path.join(dir, '.complete'), 'utf8'))).not.toBeNull()
  })

  it('lets two concurrent installs end with one complete folder and no temp folder', async () => {
    const tgz = packageTgz()
    handler = serve(tgz)
    const [a, b] = await Promise.all([
      installClaude(options({ integrity: integrity(tgz) })),
      installClaude(options({ integrity: integrity(tgz) })),
    ])
    expect(a.path).toBe(b.path)
    expect(readdirSync(path.dirname(a.path)).sort()).toEqual(['.complete', 'claude'])
    expect(readdirSync(path.join(toolCache, 'airlock-claude', VERSION))).toEqual(['linux-x64'])
  })

  it('takes an unpinned version’s integrity from the registry, and says it is trusted on first use', async () => {
    const tgz = packageTgz()
    handler = (req, res) => {
      if (req.url === '/@anthropic-ai%2fclaude-code-linux-x64/2.1.197') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            name: LINUX.name,
            version: VERSION,
            dist: { integrity: integrity(tgz) },
          }),
        )
      } else serve(tgz)(req, res)
    }
    const installed = await installClaude(options())
    expect(installed.trust).toBe('registry')
    expect(warnings.join('\n')).toMatch(
      /not pinned in this Airlock release: .*trusted on first use/,
    )
    expect(requests).toEqual(['/@anthropic-ai%2fclaude-code-linux-x64/2.1.197', tarPath])
  })

  it('follows a redirect, but not to plain http outside the machine', async () => {
    const tgz = packageTgz()
    handler = (req, res) => {
      if (req.url === tarPath) res.writeHead(302, { location: '/cdn/claude.tgz' }).end()
      else serve(tgz)(req, res)
    }
    expect((await installClaude(options({ integrity: integrity(tgz) }))).cached).toBe(false)
    rmSync(path.join(toolCache, 'airlock-claude'), { recursive: true })
    handler = (_req, res) =>
      res.writeHead(301, { location: 'http://registry.example.com/x.tgz' }).end()
    expect(await failed(options({ integrity: integrity(tgz) }))).toMatch(
      /redirected to registry\.example\.com, refused because it is not https/,
    )
  })

  it('does not retry a version the registry does not have', async () => {
    const message = await failed(options({ integrity: integrity(Buffer.from('x')) }))
    expect(message).toMatch(/HTTP 404/)
    expect(requests).toHaveLength(1)
  })

  it('says what to do when the registry cannot be reached', async () => {
    const message = await failed(
      options({ integrity: integrity(Buffer.from('x')), registry: new URL('http://127.0.0.1:9/') }),
    )
    expect(message).toMatch(
      /^Could not download the Claude Code CLI 2\.1\.197 \(linux-x64\) from 127\.0\.0\.1:9 after 3 attempts \(fetch failed.*\); allow 127\.0\.0\.1:9 from this runner, or give claude-path\.$/,
    )
  })
})

describe('resolveClaude', () => {
  it('uses claude-path as is, and refuses one that does not exist', async () => {
    const log: string[] = []
    const common = {
      version: VERSION,
      toolCache: '/nonexistent',
      env: {},
      log: (l: string) => log.push(l),
      warn: () => undefined,
    }
    expect(await resolveClaude({ ...common, claudePath: '/bin/sh' })).toBe('/bin/sh')
    await expect(resolveClaude({ ...common, claudePath: '/no/such/claude' })).rejects.toThrow(
      /does not exist; give the path/,
    )
  })
})

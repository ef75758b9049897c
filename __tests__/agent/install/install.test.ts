import { randomBytes } from 'node:crypto'
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
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cacheDir, parseMarker } from '../../../src/agent/install/cache.js'
import {
  installClaude,
  resolveClaude,
  type InstallOptions,
} from '../../../src/agent/install/install.js'
import { platformPackage } from '../../../src/agent/install/platform.js'
import { closeServer, listen } from '../../fakes/http.mjs'
import { integrity, packageTgz, script } from '../../fakes/tarball.js'

const VERSION = '2.1.197'
const LINUX = platformPackage('linux', 'x64', false)

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

import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { platformPackage } from '../../../src/agent/install/platform.js'
import {
  manifestUrl,
  registryFrom,
  sha512Of,
  tarballUrl,
} from '../../../src/agent/install/registry.js'

const VERSION = '2.1.197'
const LINUX = platformPackage('linux', 'x64', false)

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

describe('sha512Of', () => {
  const digest = createHash('sha512').update('x').digest('base64')

  it('takes the sha512 of an SRI string, even among others', () => {
    expect(sha512Of(`sha512-${digest}`)).toBe(digest)
    expect(sha512Of(`sha1-abc sha512-${digest}`)).toBe(digest)
    expect(sha512Of('sha256-n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=')).toBeNull()
    expect(sha512Of('sha512-short')).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import { platformPackage } from '../../../src/agent/install/platform.js'

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

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { PINNED_CLAUDE_INTEGRITY, PINNED_CLAUDE_VERSION } from '../../../src/agent/install/pins.js'
import {
  CLAUDE_PACKAGE,
  pinnedIntegrity,
  PLATFORM_BINARIES,
} from '../../../src/agent/install/platform.js'
import { DEFAULT_CLAUDE_VERSION } from '../../../src/lock/defaults.js'

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

import { describe, expect, it } from 'vitest'
import {
  cachedInstallProblem,
  parseMarker,
  renderMarker,
  type Marker,
} from '../../../src/agent/install/cache.js'

const VERSION = '2.1.197'

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

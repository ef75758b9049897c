import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_PROBE_READ_BYTES, readProbe } from '../../src/guard/probe.js'

describe('readProbe', () => {
  it('reads files, reports missing ones as null and never throws', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-probe-'))
    try {
      const file = path.join(dir, 'cgroup')
      fs.writeFileSync(file, '0::/\n')
      const probe = readProbe()
      expect(probe.read(file)).toBe('0::/\n')
      expect(probe.read(path.join(dir, 'missing'))).toBeNull()
      expect(probe.read(dir)).toBeNull()
      expect(probe.exists(file)).toBe(true)
      expect(probe.exists(path.join(dir, 'missing'))).toBe(false)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it(`stops reading at ${MAX_PROBE_READ_BYTES} bytes`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-probe-'))
    try {
      const file = path.join(dir, 'mountinfo')
      fs.writeFileSync(file, 'x'.repeat(MAX_PROBE_READ_BYTES + 10))
      expect(readProbe().read(file)).toBe('x'.repeat(MAX_PROBE_READ_BYTES))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads /proc files, whose size is reported as 0', () => {
    const text = readProbe().read('/proc/self/mountinfo')
    expect(text).not.toBeNull()
    expect(text!.length).toBeGreaterThan(0)
  })

  it('copies the environment instead of exposing process.env', () => {
    const probe = readProbe()
    expect(probe.env).not.toBe(process.env)
    expect(probe.env['PATH']).toBe(process.env['PATH'])
  })
})

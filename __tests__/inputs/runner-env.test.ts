// The runner variables Airlock reads: listed once, each with what it is for, read once by run().
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readRunnerEnv, RUNNER_VARIABLES } from '../../src/inputs/runner-env.js'

const SRC = path.resolve(import.meta.dirname, '../../src')

/**
 * Modules that still read `process.env` themselves, and why. The list may only shrink: a new
 * reader fails, and so does a listed module that no longer reads it.
 */
const OTHER_READERS = new Map([
  ['guard/probe.ts', 'the isolation probe copies the whole environment'],
  ['git/git.ts', "every git call's base environment"],
  ['lock/sandbox.ts', 'PATH, to find bwrap and socat'],
  ['audit/setuid-scan.ts', 'PATH, to find getcap'],
  ['agent/install/verify.ts', 'SystemRoot for the version check'],
])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : []
  })
}

describe('RUNNER_VARIABLES', () => {
  it.each(Object.entries(RUNNER_VARIABLES))('says in one sentence what %s is for', (_name, doc) => {
    expect(doc).toMatch(/^[A-Z].*\.$/s)
    expect(doc).not.toContain('\n')
  })
})

describe('readRunnerEnv', () => {
  it('reads every listed variable, and nothing else', () => {
    const runner = readRunnerEnv({
      GITHUB_WORKSPACE: '/w',
      RUNNER_TEMP: '/t',
      ANTHROPIC_API_KEY: 'not read',
      INPUT_PROMPT: 'not read',
    })
    expect(Object.keys(runner).sort()).toEqual(Object.keys(RUNNER_VARIABLES).sort())
    expect(runner.GITHUB_WORKSPACE).toBe('/w')
    expect(runner.RUNNER_TEMP).toBe('/t')
    expect(runner.HOME).toBeUndefined()
    expect(Object.values(runner)).not.toContain('not read')
    expect(Object.isFrozen(runner)).toBe(true)
  })
})

describe('process.env', () => {
  it('is read by run() alone (which hands it to the stages), besides the modules listed', () => {
    const readers = sourceFiles(SRC)
      .filter((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .some((line) => !/^\s*(\*|\/\/)/.test(line) && line.includes('process.env')),
      )
      .map((file) => path.relative(SRC, file).split(path.sep).join('/'))
    expect(
      readers.filter((file) => file !== 'pipeline/run.ts' && !OTHER_READERS.has(file)),
    ).toEqual([])
    expect(readers).toContain('pipeline/run.ts')
    expect([...OTHER_READERS.keys()].filter((file) => !readers.includes(file))).toEqual([])
  })
})

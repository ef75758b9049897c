import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as real from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as ours from '../../src/pipeline/actions-core.js'

type Core = typeof ours

/** What one call printed on stdout and appended to each file command, delimiters made equal. */
interface Effects {
  stdout: string
  files: Record<string, string>
  exitCode: typeof process.exitCode
  threw: string | null
  returned: unknown
}

const FILE_COMMANDS = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'] as const
let dir = ''
const savedEnv = { ...process.env }

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-actions-core-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  process.env = { ...savedEnv }
  process.exitCode = undefined
  vi.restoreAllMocks()
})

/** Runs `call` against one implementation, in a fresh set of file-command files. */
async function effects(
  core: Core | typeof real,
  call: (core: Core) => unknown,
  withFiles: boolean,
): Promise<Effects> {
  for (const name of FILE_COMMANDS) {
    const file = path.join(dir, name)
    writeFileSync(file, '')
    // An empty value reads as unset to both implementations.
    process.env[name] = withFiles ? file : ''
  }
  process.exitCode = undefined
  let stdout = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array): boolean => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  })
  let threw: string | null = null
  let returned: unknown
  try {
    returned = await call(core as Core)
  } catch (error) {
    threw = error instanceof Error ? error.message : String(error)
  }
  vi.restoreAllMocks()
  const exitCode = process.exitCode
  process.exitCode = undefined
  const files: Record<string, string> = {}
  for (const name of FILE_COMMANDS) {
    files[name] = readFileSync(path.join(dir, name), 'utf8').replace(
      /ghadelimiter_[0-9a-f-]{36}/g,
      'ghadelimiter_X',
    )
  }
  return { stdout, files, exitCode, threw, returned }
}

const TRICKY = [
  '',
  'plain text',
  'line one\nline two\r\nline three',
  '100% done, 50%25 escaped',
  '::add-mask::not a command',
  'key: value, other: value',
  'unicode ✓ — ümlaut',
]

const CASES: [string, (core: Core) => unknown][] = [
  ...TRICKY.flatMap((text): [string, (core: Core) => unknown][] => [
    [`info(${JSON.stringify(text)})`, (core) => core.info(text)],
    [`setSecret(${JSON.stringify(text)})`, (core) => core.setSecret(text)],
    [`warning(${JSON.stringify(text)})`, (core) => core.warning(text)],
    [`error(${JSON.stringify(text)})`, (core) => core.error(text)],
    [`setFailed(${JSON.stringify(text)})`, (core) => core.setFailed(text)],
    [`startGroup(${JSON.stringify(text)})`, (core) => core.startGroup(text)],
    [`setOutput('out', ${JSON.stringify(text)})`, (core) => core.setOutput('out', text)],
    [`saveState('state', ${JSON.stringify(text)})`, (core) => core.saveState('state', text)],
    [
      `error with properties (${JSON.stringify(text)})`,
      (core) =>
        core.error(text, {
          title: `Airlock: ${text}`,
          file: `dir/${text}.ts`,
          startLine: 3,
        }),
    ],
  ]),
  ['endGroup()', (core) => core.endGroup()],
  ['warning(Error)', (core) => core.warning(new Error('went wrong'))],
  ['warning with empty properties', (core) => core.warning('w', {})],
  ['error with only undefined properties', (core) => core.error('e', { title: undefined })],
  ['error with line 0 (left out)', (core) => core.error('e', { title: 't', startLine: 0 })],
  ['setOutput of a number', (core) => core.setOutput('n', 3)],
  ['setOutput of an object', (core) => core.setOutput('o', { a: [1, 'two'] })],
  ['saveState of JSON text', (core) => core.saveState('plan', JSON.stringify({ a: 1 }))],
  [
    'group returns the value and closes the group',
    (core) => core.group('a group', () => Promise.resolve(42)),
  ],
  [
    'group closes the group when the function throws',
    (core) => core.group('a group', () => Promise.reject(new Error('inside'))),
  ],
]

describe('src/actions-core.ts prints and writes exactly what @actions/core does', () => {
  for (const withFiles of [true, false]) {
    describe(withFiles ? 'with the runner’s file commands' : 'without file commands', () => {
      it.each(CASES)('%s', async (_name, call) => {
        const theirs = await effects(real, call, withFiles)
        const mine = await effects(ours, call, withFiles)
        expect(mine).toEqual(theirs)
      })
    })
  }

  it('reads inputs as @actions/core does: spaces, case, trimming, required', () => {
    process.env['INPUT_MY_INPUT'] = '  value with spaces \n'
    process.env['INPUT_EMPTY'] = ''
    for (const [name, options] of [
      ['my input', undefined],
      ['My Input', undefined],
      ['my input', { trimWhitespace: false }],
      ['missing', undefined],
      ['empty', undefined],
    ] as const) {
      expect(ours.getInput(name, options)).toBe(real.getInput(name, options))
    }
    expect(() => ours.getInput('missing', { required: true })).toThrow(
      'Input required and not supplied: missing',
    )
    expect(() => real.getInput('missing', { required: true })).toThrow(
      'Input required and not supplied: missing',
    )
  })

  it('reads state as @actions/core does', () => {
    process.env['STATE_plan'] = '{"a":1}'
    expect(ours.getState('plan')).toBe(real.getState('plan'))
    expect(ours.getState('none')).toBe(real.getState('none'))
  })

  it('appends to the job summary as core.summary.addRaw(text).write() does', async () => {
    const text = '## Report\n\n| a | b |\n'
    const theirs = await effects(real, () => real.summary.addRaw(text).write(), true)
    const mine = await effects(ours, (core) => core.appendSummary(text), true)
    expect(mine.files).toEqual(theirs.files)
    expect(mine.files.GITHUB_STEP_SUMMARY).toBe(text)
  })

  it('fails with core.summary’s message when there is no summary file', async () => {
    // core.summary caches the path it found first, so its own failure cannot be replayed here.
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(ours.appendSummary('x')).rejects.toThrow(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
    )
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'gone')
    await expect(ours.appendSummary('x')).rejects.toThrow(
      `Unable to access summary file: '${path.join(dir, 'gone')}'. Check if the file has correct read/write permissions.`,
    )
  })

  it('fails like @actions/core when a file command points at a missing file', async () => {
    const missing = path.join(dir, 'gone')
    const mine = await effects(
      ours,
      (core) => {
        process.env.GITHUB_OUTPUT = missing
        core.setOutput('x', 'y')
      },
      true,
    )
    const theirs = await effects(
      real,
      (core) => {
        process.env.GITHUB_OUTPUT = missing
        core.setOutput('x', 'y')
      },
      true,
    )
    expect(mine.threw).toBe(`Missing file at path: ${missing}`)
    expect(mine).toEqual(theirs)
  })
})

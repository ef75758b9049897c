// A stand-in for @actions/core, for `vi.mock('@actions/core', …)`: every call the pipeline makes
// is recorded in `log`, in order, with inputs, outputs and state in maps. Use it as
//   vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())
// and read it back with `faked(core)` from `import * as core from '@actions/core'`.
import { vi } from 'vitest'

/** What the fake records, besides the calls themselves. */
export interface FakeCoreRecord {
  /** One line per call, in order: `info <message>`, `state <name> <value>`, `group <name>`, … */
  log: string[]
  inputs: Map<string, string>
  outputs: Map<string, string>
  state: Map<string, string>
  secrets: string[]
  /** What was added to the job summary. */
  summaryText: string[]
  /** Forgets everything recorded (the inputs included). */
  reset(): void
}

/** The fake module: the @actions/core functions the pipeline uses, plus what they recorded. */
export function fakeCore(): FakeCoreRecord {
  const record: FakeCoreRecord = {
    log: [],
    inputs: new Map(),
    outputs: new Map(),
    state: new Map(),
    secrets: [],
    summaryText: [],
    reset() {
      record.log.length = 0
      record.secrets.length = 0
      record.summaryText.length = 0
      record.inputs.clear()
      record.outputs.clear()
      record.state.clear()
    },
  }
  const summary = {
    addRaw: vi.fn((text: string) => {
      record.summaryText.push(text)
      return summary
    }),
    write: vi.fn(() => Promise.resolve(summary)),
  }
  return Object.assign(record, {
    info: vi.fn((message: string) => record.log.push(`info ${message}`)),
    warning: vi.fn((message: string) => record.log.push(`warning ${message}`)),
    error: vi.fn((message: string) => record.log.push(`error ${message}`)),
    setFailed: vi.fn((message: string) => record.log.push(`failed ${message}`)),
    setSecret: vi.fn((secret: string) => {
      record.secrets.push(secret)
      record.log.push('secret')
    }),
    getInput: vi.fn((name: string) => (record.inputs.get(name) ?? '').trim()),
    setOutput: vi.fn((name: string, value: unknown) => {
      record.outputs.set(name, String(value))
    }),
    saveState: vi.fn((name: string, value: unknown) => {
      record.state.set(name, String(value))
      record.log.push(`state ${name} ${String(value)}`)
    }),
    getState: vi.fn((name: string) => record.state.get(name) ?? ''),
    startGroup: vi.fn((name: string) => record.log.push(`group ${name}`)),
    endGroup: vi.fn(() => record.log.push('endgroup')),
    group: vi.fn(async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      record.log.push(`group ${name}`)
      try {
        return await fn()
      } finally {
        record.log.push('endgroup')
      }
    }),
    summary,
  })
}

/** The record behind the mocked module. */
export function faked(core: object): FakeCoreRecord {
  return core as FakeCoreRecord
}

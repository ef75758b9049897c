// The report-file record against its documented schema (docs/report.schema.json, JSON Schema
// draft 2020-12). A small validator for the keywords the schema uses stands in for a full one: it
// refuses any other keyword, so the schema cannot say more than is checked here.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { reportRecord } from '../../src/report/record.js'
import type { LockSummary, ReportInput } from '../../src/report/types.js'
import type {
  AgentCommit,
  AgentRun,
  AuditRecord,
  ChangedFile,
  Denial,
  IsolationVerdict,
  Violation,
} from '../../src/types/stages.js'

type Schema = Record<string, unknown>
const ROOT = path.resolve(import.meta.dirname, '../..')
const schema = JSON.parse(
  readFileSync(path.join(ROOT, 'docs/report.schema.json'), 'utf8'),
) as Schema

const KEYWORDS = new Set([
  '$schema',
  '$defs',
  '$ref',
  'title',
  'description',
  'type',
  'enum',
  'const',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minimum',
  'pattern',
])

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

/** Errors of `value` against `node`, each as `<JSON pointer>: <what>`; empty when it is valid. */
function validate(node: Schema, value: unknown, at = ''): string[] {
  for (const key of Object.keys(node)) {
    if (!KEYWORDS.has(key)) throw new Error(`${at}: unsupported keyword ${key}`)
  }
  if (typeof node.$ref === 'string') {
    const name = /^#\/\$defs\/(\w+)$/.exec(node.$ref)?.[1] ?? ''
    const target = (schema.$defs as Record<string, Schema> | undefined)?.[name]
    if (target === undefined) throw new Error(`${at}: unresolved ${node.$ref}`)
    return validate(target, value, at)
  }
  const errors: string[] = []
  const actual = typeOf(value)
  if (node.type !== undefined) {
    const types = Array.isArray(node.type) ? (node.type as string[]) : [node.type as string]
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number'))
    if (!ok) return [`${at}: ${actual} is not ${types.join(' or ')}`]
  }
  if (node.const !== undefined && value !== node.const)
    errors.push(`${at}: not ${JSON.stringify(node.const)}`)
  if (Array.isArray(node.enum) && !node.enum.includes(value)) {
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${node.enum.join(', ')}`)
  }
  if (typeof node.minimum === 'number' && typeof value === 'number' && value < node.minimum) {
    errors.push(`${at}: ${value} < ${node.minimum}`)
  }
  if (typeof node.pattern === 'string' && typeof value === 'string') {
    if (!new RegExp(node.pattern, 'u').test(value))
      errors.push(`${at}: does not match ${node.pattern}`)
  }
  if (actual === 'array' && node.items !== undefined) {
    ;(value as unknown[]).forEach((item, i) =>
      errors.push(...validate(node.items as Schema, item, `${at}/${i}`)),
    )
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>
    const properties = (node.properties ?? {}) as Record<string, Schema>
    for (const name of (node.required ?? []) as string[]) {
      if (!(name in object)) errors.push(`${at}: missing ${name}`)
    }
    for (const [name, child] of Object.entries(object)) {
      const sub = properties[name]
      if (sub !== undefined) errors.push(...validate(sub, child, `${at}/${name}`))
      else if (node.additionalProperties === false)
        errors.push(`${at}: ${name} is not in the schema`)
    }
  }
  return errors
}

/** The record as it lands in the file: serialised (undefined fields dropped) and parsed back. */
function written(input: ReportInput): unknown {
  return JSON.parse(JSON.stringify(reportRecord(input)))
}

// Every field of every type, set: `Required<…>` makes tsc fail here as soon as a field is added to
// a type, and the schema check below fails until the schema has it too.
const denial: Required<Denial> = {
  source: 'hook',
  toolUseId: 'toolu_01',
  tool: 'Read',
  target: '/proc/self/environ',
  reason: 'reads of /proc are denied',
}
const file: Required<ChangedFile> = {
  path: 'bin/tool',
  oldPath: 'tool.sh',
  status: 'renamed',
  additions: 3,
  deletions: 1,
  binary: false,
  oldMode: '100644',
  newMode: '100755',
  symlinkTarget: '../lib/tool',
}
const violation: Required<Violation> = {
  kind: 'secret',
  path: 'config.ini',
  line: 3,
  rule: 'secretlint-aws',
  detail: 'a value matching secretlint-aws was added (AKIA…(20))',
}
const commit: Required<AgentCommit> = {
  sha: '3f786850e387550fdab836ed7e6dc881de23001b',
  subject: 'add config',
}
const audit: Required<AuditRecord> = {
  baseline: {
    head: '3f786850e387550fdab836ed7e6dc881de23001b',
    tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  },
  final: { head: null, tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904' },
  commits: [commit],
  historyRewritten: true,
  files: [
    file,
    { path: 'logo.png', status: 'added', additions: null, deletions: null, binary: true },
  ],
  ignored: ['build/out.bin'],
  violations: [
    violation,
    { kind: 'protected-path', path: '.github/workflows/ci.yml', rule: '.github/**', detail: 'x' },
  ],
}
const agent: Required<AgentRun> = {
  exitCode: 1,
  signal: null,
  timedOut: false,
  killedReason: 'the lock was not proven',
  subtype: 'error_max_turns',
  isError: true,
  numTurns: 12,
  costUsd: 0.4213,
  durationMs: 61234,
  result: 'Done. [REDACTED:secretlint-github]',
  denials: [{ ...denial, source: 'cli' }],
}
const isolation: Required<IsolationVerdict> = {
  kind: 'github-hosted-vm',
  evidence: ['RUNNER_ENVIRONMENT=github-hosted'],
  allowed: true,
  reason: 'isolation: none',
}
const lock: Required<LockSummary> = {
  sandbox: 'weaker-nested',
  allowedDomains: ['registry.npmjs.org'],
  denyRules: 42,
  hookVerified: true,
}
const full: Required<ReportInput> = {
  conclusion: 'violation',
  reason: '2 policy violations.',
  failOn: 'violation',
  isolation,
  stripped: ['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN'],
  lock,
  agent,
  audit,
  denials: [denial],
  runUrl: 'https://github.com/o/r/actions/runs/1',
  marker: '<!-- airlock:v1 workflow="ci" job="agent" -->',
  transcriptNote: 'The transcript is in the transcript-file output.',
}

describe('the report-file record', () => {
  it('is valid against the schema with every field set', () => {
    expect(validate(schema, written(full))).toEqual([])
  })

  it('is valid for a run refused before anything happened', () => {
    const refused: ReportInput = {
      conclusion: 'refused',
      reason: 'Invalid input fail-on.',
      failOn: 'violation',
      stripped: [],
      denials: [],
      marker: '<!-- m -->',
    }
    expect(validate(schema, written(refused))).toEqual([])
  })

  it('is valid for a successful run without changes or a run URL', () => {
    const quiet: ReportInput = {
      ...full,
      conclusion: 'success',
      audit: {
        ...audit,
        commits: [],
        files: [],
        ignored: [],
        violations: [],
        historyRewritten: false,
      },
      agent: { exitCode: 0, signal: null, timedOut: false, durationMs: 10, denials: [] },
      denials: [],
    }
    delete (quiet as Partial<ReportInput>).runUrl
    delete (quiet as Partial<ReportInput>).reason
    expect(validate(schema, written(quiet))).toEqual([])
  })

  it('carries a version and never the comment marker', () => {
    const record = written(full) as Record<string, unknown>
    expect(record.version).toBe(1)
    expect(record).not.toHaveProperty('marker')
  })

  it('fails for a field the schema does not document, at any depth', () => {
    const record = written(full) as { audit: { files: Record<string, unknown>[] } } & Record<
      string,
      unknown
    >
    record.extra = 1
    record.audit.files[0]!.size = 10
    expect(validate(schema, record).sort()).toEqual([
      '/audit/files/0: size is not in the schema',
      ': extra is not in the schema',
    ])
  })

  it('fails for wrong types, values and missing fields', () => {
    const record = written(full) as Record<string, unknown> & { lock: Record<string, unknown> }
    record.conclusion = 'maybe'
    record.lock.denyRules = -1
    delete record.stripped
    expect(validate(schema, record)).toEqual([
      ': missing stripped',
      '/conclusion: "maybe" is not one of success, violation, agent-failed, refused',
      '/lock/denyRules: -1 < 0',
    ])
  })

  it('is documented field by field in docs/report-schema.md', () => {
    const prose = readFileSync(path.join(ROOT, 'docs/report-schema.md'), 'utf8')
    const names = new Set<string>()
    const collect = (node: Schema): void => {
      for (const name of Object.keys(node.properties ?? {})) names.add(name)
      for (const child of Object.values((node.properties ?? {}) as Record<string, Schema>)) {
        if (child.items !== undefined) collect(child.items as Schema)
        collect(child)
      }
    }
    collect(schema)
    for (const def of Object.values(schema.$defs as Record<string, Schema>)) collect(def)
    for (const name of names) expect(prose, name).toContain(`\`${name}\``)
  })
})

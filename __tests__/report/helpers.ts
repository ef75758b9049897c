// Builders of report inputs and the checks that rendered markdown is inert, shared by the report's
// tests.
import { expect } from 'vitest'
import type { ReportInput } from '../../src/report/types.js'
import type { AgentRun, AuditRecord, ChangedFile, Violation } from '../../src/types/stages.js'

export const MARKER = '<!-- airlock:v1 workflow="ci" job="agent" -->'
export const ZWJ = '\u200d'

export function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

export function file(path: string, extra: Partial<ChangedFile> = {}): ChangedFile {
  return { path, status: 'modified', additions: 1, deletions: 0, binary: false, ...extra }
}

export function audit(extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    baseline: { head: 'a'.repeat(40), tree: 'b'.repeat(40) },
    final: { head: 'c'.repeat(40), tree: 'd'.repeat(40) },
    commits: [],
    files: [],
    ignored: [],
    violations: [],
    ...extra,
  }
}

export function agent(extra: Partial<AgentRun> = {}): AgentRun {
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    subtype: 'success',
    numTurns: 7,
    costUsd: 0.1234,
    durationMs: 125_000,
    result: 'All done.',
    denials: [],
    ...extra,
  }
}

export function input(extra: Partial<ReportInput> = {}): ReportInput {
  return {
    conclusion: 'success',
    failOn: 'violation',
    stripped: ['AWS_SECRET_ACCESS_KEY', 'NPM_TOKEN'],
    isolation: { kind: 'container', evidence: ['/.dockerenv exists'], allowed: true },
    lock: {
      sandbox: 'on',
      allowedDomains: ['registry.npmjs.org'],
      denyRules: 40,
      hookVerified: true,
    },
    agent: agent(),
    audit: audit({ files: [file('src/a.ts')] }),
    denials: [],
    runUrl: 'https://github.com/o/r/actions/runs/1',
    marker: MARKER,
    ...extra,
  }
}

export const protectedHit: Violation = {
  kind: 'protected-path',
  path: '.github/workflows/ci.yml',
  rule: '.github/**',
  detail: 'The agent changed a protected path.',
}

/**
 * The markdown outside code, as CommonMark reads it: fenced blocks and code spans are replaced by
 * a placeholder; a backslash-escaped character never opens a span. A wrong fence or span delimiter
 * in the report would leave code content outside, where the assertions below see it.
 */
export function outsideCode(markdown: string): string {
  const kept: string[] = []
  let fence: number | null = null
  for (const line of markdown.split('\n')) {
    if (fence !== null) {
      const close = /^(`+)\s*$/.exec(line)
      if (close !== null && close[1]!.length >= fence) fence = null
      continue
    }
    const open = /^(`{3,})[^`]*$/.exec(line)
    if (open !== null) {
      fence = open[1]!.length
      kept.push('<FENCE>')
      continue
    }
    kept.push(stripSpans(line))
  }
  return kept.join('\n')
}

function stripSpans(line: string): string {
  let out = ''
  let i = 0
  const runAt = (at: number): number => {
    let n = 0
    while (line[at + n] === '`') n++
    return n
  }
  while (i < line.length) {
    const char = line[i]!
    if (char === '\\') {
      out += line.slice(i, i + 2)
      i += 2
    } else if (char === '`') {
      const n = runAt(i)
      let j = i + n
      let close = -1
      while (j < line.length) {
        if (line[j] === '`') {
          const m = runAt(j)
          if (m === n) {
            close = j
            break
          }
          j += m
        } else j++
      }
      if (close < 0) {
        out += line.slice(i, i + n)
        i += n
      } else {
        out += '<CODE>'
        i = close + n
      }
    } else {
      out += char
      i++
    }
  }
  return out
}

/** Every row of a table has as many unescaped pipes as its header. */
function tablesWellFormed(markdown: string): boolean {
  let expected: number | null = null
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      expected = null
      continue
    }
    const pipes = (line.match(/(?<!\\)\|/g) ?? []).length
    if (expected === null) expected = pipes
    else if (pipes !== expected) return false
  }
  return true
}

/** Checks that nothing from the input escaped into HTML or a mention. */
export function assertInert(markdown: string): void {
  const outside = outsideCode(markdown)
  const lines = outside.split('\n')
  expect(lines[0]).toBe(MARKER)
  const rest = lines.slice(1).join('\n')
  // The only HTML is the report's own: <details>/<summary> pairs and <br> between examples.
  const opened = rest.match(/^<details><summary>[^<]*<\/summary>$/gm) ?? []
  const closed = rest.match(/^<\/details>$/gm) ?? []
  expect(closed.length).toBe(opened.length)
  const withoutOwnTags = rest
    .replace(/^<details><summary>[^<]*<\/summary>$/gm, '')
    .replace(/^<\/details>$/gm, '')
    .replace(/<br>/g, '')
    .replace(/<CODE>|<FENCE>/g, '')
  expect(withoutOwnTags).not.toContain('<')
  // No mention: an @ outside code is always followed by the zero-width joiner.
  expect(withoutOwnTags).not.toMatch(/@[A-Za-z0-9]/)
  // Invisible characters are shown, never passed through, even in code.
  expect(markdown).not.toMatch(/[\u202e\u2066\r]/)
  expect(tablesWellFormed(markdown)).toBe(true)
}

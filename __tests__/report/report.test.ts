import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  COMMENT_LIMIT,
  SUMMARY_LIMIT,
  codeSpan,
  conclusionFor,
  escapeCell,
  fencedBlock,
  renderReport,
  summaryLine,
  type ReportInput,
} from '../../src/report/report.js'
import type {
  AgentRun,
  AuditRecord,
  ChangedFile,
  Denial,
  FailOn,
  Violation,
} from '../../src/types/stages.js'

const MARKER = '<!-- airlock:v1 workflow="ci" job="agent" -->'
const ZWJ = '\u200d'

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function file(path: string, extra: Partial<ChangedFile> = {}): ChangedFile {
  return { path, status: 'modified', additions: 1, deletions: 0, binary: false, ...extra }
}

function audit(extra: Partial<AuditRecord> = {}): AuditRecord {
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

function agent(extra: Partial<AgentRun> = {}): AgentRun {
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

function input(extra: Partial<ReportInput> = {}): ReportInput {
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

const protectedHit: Violation = {
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
function outsideCode(markdown: string): string {
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
function assertInert(markdown: string): void {
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

describe('escapeCell', () => {
  it.each([
    ['leaves plain text alone', 'src/main.ts changed', 'src/main.ts changed'],
    ['escapes pipes so a cell cannot split', 'a|b', 'a\\|b'],
    ['escapes backticks', 'a`b', 'a\\`b'],
    ['turns angle brackets into entities', '</details><script>', '&lt;/details&gt;&lt;script&gt;'],
    ['escapes ampersands so entities stay literal', '&lt;', '&amp;lt;'],
    ['neutralizes mentions with a zero-width joiner', '@octocat', `@${ZWJ}octocat`],
    ['neutralizes team mentions', '@org/team', `@${ZWJ}org/team`],
    ['shows line breaks instead of breaking the row', 'a\nb\r\nc', 'a\\\\nb\\\\r\\\\nc'],
    ['shows bidirectional overrides', 'a\u202eb', 'a\\\\u{202E}b'],
    [
      'escapes emphasis, links, images and math',
      '*_[x](y)_*![i](u)$x$~~',
      '\\*\\_\\[x\\](y)\\_\\*!\\[i\\](u)\\$x\\$\\~\\~',
    ],
    ['escapes backslashes', 'a\\b', 'a\\\\b'],
    ['leaves issue references as they are', 'fixes #123', 'fixes #123'],
  ])('%s', (_name, text, expected) => {
    expect(escapeCell(text)).toBe(expected)
  })
})

describe('codeSpan', () => {
  it.each([
    ['wraps plain text in single backticks', 'src/a.ts', 'cell', '`src/a.ts`'],
    ['uses a longer delimiter than any backtick run inside', 'a`b``c', 'cell', '```a`b``c```'],
    ['pads when the text starts or ends with a backtick', '`a', 'cell', '`` `a ``'],
    ['escapes pipes inside a table cell', 'a|b', 'cell', '`a\\|b`'],
    ['keeps pipes outside a table', 'a|b', 'inline', '`a|b`'],
    ['shows newlines as \\n so a row cannot break', 'a\nb', 'cell', '`a\\nb`'],
    [
      'keeps @ as it is (code does not mention)',
      'node_modules/@types/x',
      'cell',
      '`node_modules/@types/x`',
    ],
    ['shows an empty value as (empty)', '', 'cell', '(empty)'],
  ] as const)('%s', (_name, text, context, expected) => {
    expect(codeSpan(text, context)).toBe(expected)
  })
})

describe('fencedBlock', () => {
  it('uses a fence longer than any backtick run, so the text cannot close it', () => {
    const block = fencedBlock('x\n`````\ny')
    expect(block.startsWith('``````text\n')).toBe(true)
    expect(block.endsWith('\n``````')).toBe(true)
  })

  it('uses at least three backticks', () => {
    expect(fencedBlock('plain')).toBe('```text\nplain\n```')
  })

  it('normalizes carriage returns and shows bidi overrides', () => {
    expect(fencedBlock('a\r\nb\rc\u202e')).toBe('```text\na\nb\nc\\u{202E}\n```')
  })
})

describe('conclusionFor', () => {
  type Row = [string, boolean, boolean, number, number, FailOn, string, boolean]
  const rows: Row[] = [
    // name, refused, agentFailed, violations, denials, failOn, conclusion, fail
    ['a clean run succeeds', false, false, 0, 0, 'violation', 'success', false],
    [
      'blocked actions alone do not fail by default',
      false,
      false,
      0,
      3,
      'violation',
      'success',
      false,
    ],
    ['blocked actions fail with fail-on: denial', false, false, 0, 3, 'denial', 'violation', true],
    [
      'blocked actions never fail with fail-on: never',
      false,
      false,
      0,
      3,
      'never',
      'success',
      false,
    ],
    ['a violation fails by default', false, false, 2, 0, 'violation', 'violation', true],
    ['a violation fails with fail-on: denial', false, false, 2, 0, 'denial', 'violation', true],
    [
      'a violation is reported but passes with fail-on: never',
      false,
      false,
      2,
      0,
      'never',
      'violation',
      false,
    ],
    ['an agent failure fails by default', false, true, 0, 0, 'violation', 'agent-failed', true],
    [
      'an agent failure fails with fail-on: denial',
      false,
      true,
      0,
      0,
      'denial',
      'agent-failed',
      true,
    ],
    [
      'an agent failure passes with fail-on: never',
      false,
      true,
      0,
      0,
      'never',
      'agent-failed',
      false,
    ],
    ['a violation outranks an agent failure', false, true, 1, 0, 'violation', 'violation', true],
    [
      'an agent failure outranks blocked actions',
      false,
      true,
      0,
      5,
      'denial',
      'agent-failed',
      true,
    ],
    ['a refusal fails', true, false, 0, 0, 'violation', 'refused', true],
    ['a refusal fails even with fail-on: never', true, false, 0, 0, 'never', 'refused', true],
    ['a refusal outranks everything', true, true, 3, 3, 'denial', 'refused', true],
  ]
  it.each(rows)(
    '%s',
    (_name, refused, agentFailed, violations, denials, failOn, conclusion, fail) => {
      expect(conclusionFor({ refused, agentFailed, violations, denials, failOn })).toMatchObject({
        conclusion,
        fail,
      })
    },
  )

  it('gives the reason "N blocked actions (fail-on: denial)"', () => {
    const verdict = conclusionFor({
      agentFailed: false,
      violations: 0,
      denials: 4,
      failOn: 'denial',
    })
    expect(verdict.reason).toBe('4 blocked actions (fail-on: denial).')
  })

  it('holds its rules for every combination', () => {
    const failOns: FailOn[] = ['violation', 'denial', 'never']
    for (const refused of [false, true])
      for (const agentFailed of [false, true])
        for (const violations of [0, 1])
          for (const denials of [0, 1])
            for (const failOn of failOns) {
              const { conclusion, fail } = conclusionFor({
                refused,
                agentFailed,
                violations,
                denials,
                failOn,
              })
              const label = JSON.stringify({ refused, agentFailed, violations, denials, failOn })
              if (refused) expect([conclusion, fail], label).toEqual(['refused', true])
              else if (failOn === 'never') expect(fail, label).toBe(false)
              else expect(fail, label).toBe(conclusion !== 'success')
              if (!refused && violations > 0) expect(conclusion, label).toBe('violation')
              if (
                !refused &&
                !agentFailed &&
                violations === 0 &&
                (denials === 0 || failOn !== 'denial')
              )
                expect(conclusion, label).toBe('success')
            }
  })
})

describe('renderReport: contents', () => {
  it('starts with the marker and the verdict word', () => {
    const lines = renderReport(input()).split('\n')
    expect(lines[0]).toBe(MARKER)
    expect(lines[1]).toMatch(
      /^\*\*Airlock: success\*\* — No policy violations; 1 file changed, 0 blocked actions\.$/,
    )
  })

  it.each([
    ['violation', '**Airlock: violation**'],
    ['agent-failed', '**Airlock: agent failed**'],
    ['refused', '**Airlock: refused**'],
  ] as const)('names the %s verdict in words', (conclusion, word) => {
    expect(renderReport(input({ conclusion }))).toContain(word)
  })

  it('uses the given reason, escaped, as the verdict sentence', () => {
    const md = renderReport(input({ conclusion: 'agent-failed', reason: 'CLI said <b>@bob</b>' }))
    expect(md).toContain(`**Airlock: agent failed** — CLI said &lt;b&gt;@${ZWJ}bob&lt;/b&gt;`)
  })

  it.each([
    [
      'a timeout',
      agent({ timedOut: true, durationMs: 600_000 }),
      'The agent timed out after 10m 0s.',
    ],
    ['an exit code', agent({ exitCode: 2 }), 'The agent exited with code 2.'],
    ['a signal', agent({ exitCode: null, signal: 'SIGKILL' }), 'The agent was ended by SIGKILL.'],
    [
      'a kill by Airlock',
      agent({ killedReason: 'lock not proven' }),
      'Airlock stopped the agent: lock not proven',
    ],
  ])('explains an agent failure from %s', (_name, run, sentence) => {
    expect(renderReport(input({ conclusion: 'agent-failed', agent: run }))).toContain(sentence)
  })

  it('explains a refusal with the isolation reason', () => {
    const md = renderReport(
      input({
        conclusion: 'refused',
        isolation: {
          kind: 'bare-host',
          evidence: [],
          allowed: false,
          reason: 'no container found',
        },
        agent: undefined,
        audit: undefined,
        lock: undefined,
      }),
    )
    expect(md).toContain('Airlock refused to start the agent: no container found')
    expect(md).toContain('The agent did not run.')
    expect(md).toContain('**Lock:** not applied.')
  })

  it('puts the sections in order: violations, files, commits, blocked actions, agent, isolation, environment, lock, message, link', () => {
    const md = renderReport(
      input({
        conclusion: 'violation',
        audit: audit({
          files: [file('.github/workflows/ci.yml')],
          commits: [{ sha: '0123456789abcdef', subject: 'Edit workflow' }],
          violations: [protectedHit],
        }),
        denials: [{ source: 'hook', tool: 'Read', target: '.env', reason: 'credential path' }],
      }),
    )
    const order = [
      '#### Violations (1)',
      '#### Changed files (1',
      '**Commits by the agent (1)**',
      '#### Blocked actions (1)',
      '#### Agent',
      '**Isolation:**',
      '**Environment:**',
      '**Lock:**',
      "The agent's final message",
      '[Workflow run](https://github.com/o/r/actions/runs/1)',
    ]
    const positions = order.map((s) => md.indexOf(s))
    expect(positions.every((p) => p > 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
  })

  it('lists a violation with kind, path:line, rule and detail', () => {
    const md = renderReport(
      input({
        conclusion: 'violation',
        audit: audit({
          files: [file('src/config.ts')],
          violations: [
            {
              kind: 'secret',
              path: 'src/config.ts',
              line: 12,
              rule: 'aws-access-key',
              detail: 'An AWS key.',
            },
          ],
        }),
      }),
    )
    expect(md).toContain('| secret | `src/config.ts:12` | `aws-access-key` | An AWS key. |')
  })

  it.each([
    [
      'a mode change',
      file('run.sh', { oldMode: '100644', newMode: '100755' }),
      'mode `100644 → 100755`',
    ],
    ['a new executable', file('bin/x', { status: 'added', newMode: '100755' }), 'mode `100755`'],
    [
      'a symlink target',
      file('l', { newMode: '120000', symlinkTarget: '../../etc/passwd' }),
      'symlink → `../../etc/passwd`',
    ],
    [
      'a binary file',
      file('a.png', { binary: true, additions: null, deletions: null }),
      '| binary |',
    ],
    ['line counts', file('a.ts', { additions: 12, deletions: 3 }), '| +12 −3 |'],
    ['a rename', file('new.ts', { oldPath: 'old.ts', status: 'renamed' }), '`old.ts` → `new.ts`'],
    ['a submodule', file('vendor/x', { newMode: '160000', oldMode: '160000' }), 'submodule'],
  ])('shows %s in the changed files table', (_name, changed, expected) => {
    expect(renderReport(input({ audit: audit({ files: [changed] }) }))).toContain(expected)
  })

  it('lists files with a violation first and marks them', () => {
    const md = renderReport(
      input({
        conclusion: 'violation',
        audit: audit({
          files: [file('a.ts'), file('.github/workflows/ci.yml')],
          violations: [protectedHit],
        }),
      }),
    )
    const hit = md.indexOf('| modified | `.github/workflows/ci.yml` | +1 −0 | **violation** |')
    expect(hit).toBeGreaterThan(0)
    expect(hit).toBeLessThan(md.indexOf('`a.ts`'))
  })

  it('says so when no file changed', () => {
    expect(renderReport(input({ audit: audit() }))).toContain('No files changed.')
  })

  it('groups blocked actions by tool then reason, with counts and examples', () => {
    const denials: Denial[] = [
      {
        source: 'sandbox',
        tool: 'Bash',
        target: 'curl https://a.example',
        reason: 'host not allowed',
      },
      {
        source: 'sandbox',
        tool: 'Bash',
        target: 'curl https://b.example',
        reason: 'host not allowed',
      },
      {
        source: 'sandbox',
        tool: 'Bash',
        target: 'curl https://a.example',
        reason: 'host not allowed',
      },
      { source: 'hook', tool: 'Read', target: '.env', reason: 'credential path' },
      { source: 'cli', tool: 'Bash', target: 'sudo su', reason: 'deny rule Bash(sudo:*)' },
    ]
    const md = renderReport(input({ denials }))
    expect(md).toContain('#### Blocked actions (5)')
    expect(md).toContain(
      '| `Bash` | host not allowed | sandbox | 3 | `curl https://a.example`<br>`curl https://b.example` |',
    )
    expect(md).toContain('| `Bash` | deny rule Bash(sudo:\\*) | cli | 1 | `sudo su` |')
    expect(md.indexOf('host not allowed')).toBeLessThan(md.indexOf('deny rule'))
    expect(md.indexOf('deny rule')).toBeLessThan(md.indexOf('credential path'))
  })

  it('shows agent stats', () => {
    const md = renderReport(input())
    expect(md).toContain('| 7 | \\$0.12 | 2m 5s | 0 | success | no |')
  })

  it('puts isolation evidence and stripped names in collapsed blocks, with the count in the text', () => {
    const md = renderReport(input())
    expect(md).toContain('**Isolation:** container, allowed.')
    expect(md).toContain(
      '<details><summary>Isolation evidence (1)</summary>\n\n- /.dockerenv exists\n\n</details>',
    )
    expect(md).toContain("**Environment:** 2 variables removed from the agent's environment.")
    expect(md).toContain(
      '<details><summary>Removed variables (2)</summary>\n\n`AWS_SECRET_ACCESS_KEY`, `NPM_TOKEN`',
    )
  })

  it.each([
    [
      { sandbox: 'off', allowedDomains: [], denyRules: 3, hookVerified: false },
      ['OS sandbox **off**', 'policy hook **not verified**', 'no outbound hosts'],
    ],
    [
      { sandbox: 'weaker-nested', allowedDomains: ['a.example'], denyRules: 1, hookVerified: true },
      ['weaker nested mode', '1 deny rule ·', '`a.example`'],
    ],
  ] as const)('summarizes the lock plainly (%#)', (lock, expected) => {
    const md = renderReport(input({ lock: { ...lock, allowedDomains: [...lock.allowedDomains] } }))
    for (const text of expected) expect(md).toContain(text)
  })

  it('fences the final message with a fence longer than its backtick runs, inside <details>', () => {
    const md = renderReport(input({ agent: agent({ result: 'see ````\n</details>\n@bob' }) }))
    expect(md).toContain(
      "<details><summary>The agent's final message (24 characters)</summary>\n\n`````text\nsee ````\n</details>\n@bob\n`````\n\n</details>",
    )
    assertInert(md)
  })

  it('renders the run link only for http(s) addresses', () => {
    expect(renderReport(input({ runUrl: 'javascript:alert(1)' }))).not.toContain('Workflow run')
    expect(renderReport(input({ runUrl: 'https://x/y) [z](w' }))).not.toContain('Workflow run')
  })

  it('escapes every value from the agent or the repository', () => {
    const evil = 'x|y`z</details><script>@bob\n| injected | row |'
    const md = renderReport(
      input({
        conclusion: 'violation',
        agent: agent({ result: evil, killedReason: evil, subtype: evil }),
        audit: audit({
          files: [file(evil, { oldPath: evil + '2', symlinkTarget: evil })],
          commits: [{ sha: evil, subject: evil }],
          ignored: [evil],
          violations: [{ kind: 'secret', path: evil, line: 3, rule: evil, detail: evil }],
        }),
        denials: [{ source: 'hook', tool: evil, target: evil, reason: evil }],
        isolation: { kind: 'container', evidence: [evil], allowed: true, reason: evil },
        stripped: [evil],
        transcriptNote: evil,
      }),
    )
    assertInert(md)
    expect(outsideCode(md)).not.toContain('| injected | row |')
  })
})

describe('renderReport: size', () => {
  const manyFiles = (n: number): ChangedFile[] =>
    Array.from({ length: n }, (_, i) =>
      file(`packages/pkg-${i % 97}/src/deeply/nested/module-${i}.ts`),
    )

  it('keeps a 10,000-file audit within 65,536 bytes, keeps violations, and says what was cut', () => {
    const files = manyFiles(10_000)
    const violations: Violation[] = [
      { ...protectedHit, path: files[9_999]!.path },
      {
        kind: 'secret',
        path: files[5_000]!.path,
        line: 4,
        rule: 'generic-api-key',
        detail: 'A key.',
      },
    ]
    const started = performance.now()
    const md = renderReport(
      input({
        conclusion: 'violation',
        audit: audit({
          files,
          violations,
          commits: Array.from({ length: 50 }, (_, i) => ({
            sha: `${i}`.padStart(40, '0'),
            subject: `Commit ${i}`,
          })),
        }),
        agent: agent({ result: 'm'.repeat(200_000) }),
      }),
    )
    const elapsed = performance.now() - started
    expect(utf8(md)).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(md).toContain('#### Violations (2)')
    expect(md).toContain(`\`${files[9_999]!.path}\` | \`.github/**\``)
    expect(md).toContain(`\`${files[5_000]!.path}:4\``)
    expect(md).toContain('#### Changed files (10,000')
    expect(md).toMatch(/… and [\d,]+ more files; see the job summary/)
    expect(md).toMatch(
      /> \*\*Shortened to fit the 65,536-byte limit\.\*\* Left out: .*changed-file rows/,
    )
    // Only rows that can fit are built; the counts still add up to every file.
    const shownRows = md
      .split('\n')
      .filter((l) => /^\| (added|modified|deleted|renamed) \|/.test(l))
    const hidden = Number(/… and ([\d,]+) more files/.exec(md)?.[1]?.replaceAll(',', ''))
    expect(shownRows.length + hidden).toBe(10_000)
    expect(md).toContain(`${hidden.toLocaleString('en-US')} of 10,000 changed-file rows`)
    expect(md).toContain("the agent's final message")
    // The rows of the files with a violation are kept.
    expect(md).toContain(`| modified | \`${files[9_999]!.path}\` | +1 −0 | **violation** |`)
    expect(elapsed).toBeLessThan(2_000)
    assertInert(md)
  })

  it('lists all 10,000 files in the job summary, which has a larger limit', () => {
    const files = manyFiles(10_000)
    const md = renderReport(input({ audit: audit({ files }) }), {
      limit: SUMMARY_LIMIT,
      moreAt: 'the report file',
    })
    expect(utf8(md)).toBeLessThanOrEqual(SUMMARY_LIMIT)
    expect(md).not.toContain('Shortened to fit')
    expect(md).toContain(`\`${files[9_999]!.path}\``)
  })

  it('renders a report that fits without any cut note', () => {
    expect(renderReport(input())).not.toContain('Shortened to fit')
  })

  it('cuts the final message before anything else', () => {
    const full = renderReport(input({ agent: agent({ result: '' }) }))
    const md = renderReport(input({ agent: agent({ result: 'q'.repeat(10_000) }) }), {
      limit: utf8(full) + 3_000,
    })
    expect(md).toContain('Shortened to fit: the first part of 10,000 characters.')
    expect(md).toContain("Left out: the end of the agent's final message.")
    expect(md).toContain('<details><summary>Isolation evidence')
    expect(md).toContain('<details><summary>Removed variables')
  })

  it('cuts in order: message, isolation evidence, stripped names, file rows, then commits', () => {
    const files = manyFiles(400)
    const md = renderReport(
      input({
        audit: audit({
          files,
          commits: Array.from({ length: 30 }, (_, i) => ({
            sha: `${i}`.padEnd(40, 'a'),
            subject: `c${i}`,
          })),
        }),
        isolation: {
          kind: 'container',
          evidence: Array.from({ length: 50 }, (_, i) => `evidence ${i}`),
          allowed: true,
        },
        stripped: Array.from({ length: 50 }, (_, i) => `SECRET_${i}`),
        agent: agent({ result: 'r'.repeat(5_000) }),
      }),
      { limit: 12_000 },
    )
    expect(utf8(md)).toBeLessThanOrEqual(12_000)
    expect(md).toContain(
      "the agent's final message; isolation evidence; the names of the removed variables",
    )
    expect(md).toMatch(/[\d,]+ of 400 changed-file rows/)
    expect(md).not.toMatch(/of 30 commits/)
    expect(md).toContain('`29aaaaaa` c29')
  })

  it('shows the first violations and the count when even they do not fit', () => {
    const violations: Violation[] = Array.from({ length: 2_000 }, (_, i) => ({
      kind: 'secret',
      path: `src/file-${i}.ts`,
      line: i,
      rule: 'generic-api-key',
      detail: 'A key was added.',
    }))
    const md = renderReport(
      input({ conclusion: 'violation', audit: audit({ violations, files: [] }) }),
    )
    expect(utf8(md)).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(md).toContain('#### Violations (2,000)')
    expect(md).toContain('`src/file-0.ts:0`')
    expect(md).toMatch(/… and [\d,]+ more violations; see /)
    expect(md).toMatch(/Left out: .*[\d,]+ of 2,000 violations/)
  })

  it('falls back to the verdict and counts for a tiny limit, and never exceeds it', () => {
    for (const limit of [0, 10, 60, 300, 600]) {
      const md = renderReport(input({ audit: audit({ files: manyFiles(50) }) }), { limit })
      expect(utf8(md)).toBeLessThanOrEqual(limit)
    }
    expect(
      renderReport(input({ audit: audit({ files: manyFiles(50) }) }), { limit: 600 }),
    ).toContain('The report did not fit in 600 bytes')
  })

  it('counts bytes, not characters, for multi-byte text', () => {
    const files = Array.from({ length: 3_000 }, (_, i) => file(`文档/😀-${i}.md`))
    const md = renderReport(input({ audit: audit({ files }) }))
    expect(utf8(md)).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(md).toContain('more files')
  })
})

describe('renderReport: properties', () => {
  const fragment = fc.constantFrom(
    '|',
    '`',
    '```',
    '````',
    '</details>',
    '<details>',
    '<summary>',
    '<script>alert(1)</script>',
    '<!--',
    '-->',
    '@user',
    '@org/team',
    'a@b',
    '\n',
    '\r\n',
    '\r',
    '\\',
    '\\|',
    '&lt;',
    '![x](https://e.example/x.png)',
    '[link](javascript:x)',
    '$x$',
    '*',
    '_',
    '~~',
    '\u202e',
    '\u2066',
    'é',
    '😀',
    ' ',
    'a',
    'src/',
  )
  const text = fc
    .tuple(fc.array(fc.oneof(fragment, fc.string({ maxLength: 5 })), { maxLength: 20 }))
    .map(([parts]) => parts.join(''))

  const changedFile = fc.record({
    path: text,
    status: fc.constantFrom('added', 'modified', 'deleted', 'renamed', 'type-changed' as const),
    additions: fc.option(fc.nat(1000), { nil: null }),
    deletions: fc.option(fc.nat(1000), { nil: null }),
    binary: fc.boolean(),
    symlinkTarget: fc.option(text, { nil: undefined }),
    oldPath: fc.option(text, { nil: undefined }),
  })

  const violation = fc.record({
    kind: fc.constantFrom('protected-path', 'secret', 'symlink-escape', 'lock' as const),
    path: fc.option(text, { nil: undefined }),
    line: fc.option(fc.nat(), { nil: undefined }),
    rule: text,
    detail: text,
  })

  const denial = fc.record({
    source: fc.constantFrom('cli', 'hook', 'sandbox' as const),
    tool: text,
    target: text,
    reason: text,
  })

  const reportInput = fc.record({
    conclusion: fc.constantFrom('success', 'violation', 'agent-failed', 'refused' as const),
    reason: fc.option(text, { nil: undefined }),
    files: fc.array(changedFile, { maxLength: 40 }),
    violations: fc.array(violation, { maxLength: 10 }),
    denials: fc.array(denial, { maxLength: 10 }),
    commits: fc.array(fc.record({ sha: text, subject: text }), { maxLength: 5 }),
    ignored: fc.array(text, { maxLength: 5 }),
    evidence: fc.array(text, { maxLength: 5 }),
    stripped: fc.array(text, { maxLength: 5 }),
    message: fc.option(text, { nil: undefined }),
    killedReason: fc.option(text, { nil: undefined }),
    transcriptNote: fc.option(text, { nil: undefined }),
  })

  const build = (r: typeof reportInput extends fc.Arbitrary<infer T> ? T : never): ReportInput =>
    input({
      conclusion: r.conclusion,
      reason: r.reason,
      audit: audit({
        files: r.files,
        violations: r.violations,
        commits: r.commits,
        ignored: r.ignored,
      }),
      denials: r.denials,
      isolation: { kind: 'container', evidence: r.evidence, allowed: true },
      stripped: r.stripped,
      agent: agent({ result: r.message, killedReason: r.killedReason }),
      transcriptNote: r.transcriptNote,
    })

  it('never lets input open or close HTML, mention anyone, or break a table', () => {
    fc.assert(
      fc.property(reportInput, (r) => {
        assertInert(renderReport(build(r)))
      }),
      { numRuns: 300 },
    )
  })

  it('stays within the limit for random contents and sizes, and always shows the violation count', () => {
    fc.assert(
      fc.property(
        reportInput,
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 4_000, max: 70_000 }),
        (r, extraFiles, messageLength, limit) => {
          const base = build(r)
          const files = [
            ...base.audit!.files,
            ...Array.from({ length: extraFiles }, (_, i) =>
              file(`generated/${i}/${'x'.repeat(i % 80)}.txt`),
            ),
          ]
          const md = renderReport(
            {
              ...base,
              audit: { ...base.audit!, files },
              agent: agent({ result: (r.message ?? '') + '😀'.repeat(messageLength) }),
            },
            { limit },
          )
          expect(utf8(md)).toBeLessThanOrEqual(limit)
          expect(md.length).toBeLessThanOrEqual(limit)
          if (r.violations.length > 0) {
            expect(md).toContain(`#### Violations (${r.violations.length})`)
          }
          assertInert(md)
        },
      ),
      { numRuns: 80 },
    )
  }, 60_000)
})

describe('summaryLine', () => {
  it('gives the verdict, sentence and counts on one line', () => {
    const line = summaryLine(
      input({
        conclusion: 'violation',
        audit: audit({ files: [file('a'), file('b')], violations: [protectedHit] }),
        denials: [{ source: 'hook', tool: 'Read', target: '.env', reason: 'credential path' }],
      }),
    )
    expect(line).toBe(
      'Airlock: violation — 1 policy violation (protected-path); 1 blocked action. (1 violation, 1 blocked action, 2 files changed, 7 turns, $0.12)',
    )
  })

  it('cannot span lines or start a workflow command', () => {
    const line = summaryLine(input({ conclusion: 'agent-failed', reason: 'x\n::error::pwned\r\n' }))
    expect(line).not.toMatch(/[\r\n]/)
    expect(line.startsWith('Airlock: agent failed — ')).toBe(true)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMMENT_LIMIT, SUMMARY_LIMIT, renderReport } from '../../src/report/render.js'
import type { ReportInput } from '../../src/report/types.js'
import type { ChangedFile, Violation } from '../../src/types/stages.js'
import {
  MARKER,
  agent,
  assertInert,
  audit,
  file,
  input,
  outsideCode,
  protectedHit,
  utf8,
} from './helpers.js'

describe('renderReport: contents', () => {
  it('starts with the marker and the verdict word', () => {
    const lines = renderReport(input()).split('\n')
    expect(lines[0]).toBe(MARKER)
    expect(lines[1]).toMatch(
      /^\*\*Airlock: success\*\* — No policy violations; 1 file changed, 0 blocked actions\.$/,
    )
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

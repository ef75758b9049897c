import { describe, expect, it } from 'vitest'
import { renderReport } from '../../src/report/render.js'
import { audit, file, input, protectedHit } from './helpers.js'

describe('renderReport: what the audit found', () => {
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
})

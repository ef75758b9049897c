import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, symlinkSync, unlinkSync, utimesSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectChanges } from '../../src/audit/collect.js'
import { resolveProtectedPaths } from '../../src/audit/protected-paths.js'
import { snapshotWorktree } from '../../src/audit/snapshot.js'
import type { Violation } from '../../src/types/stages.js'
import { audit, emptyRepo, git, repoWith, summary, tempDir, write } from './harness.js'

describe('collectChanges lists what the agent changed in the working tree', () => {
  const cases: { name: string; agent: (repo: string) => void; expected: string[] }[] = [
    {
      name: 'an untracked new file',
      agent: (r) => {
        write(r, 'new.txt', 'new\n')
      },
      expected: ['added new.txt'],
    },
    {
      name: 'a staged change',
      agent: (r) => {
        write(r, 'README.md', 'hello\nstaged\n')
        git(r, 'add', 'README.md')
      },
      expected: ['modified README.md'],
    },
    {
      name: 'an unstaged change',
      agent: (r) => {
        write(r, 'README.md', 'hello\nunstaged\n')
      },
      expected: ['modified README.md'],
    },
    {
      name: 'a committed change',
      agent: (r) => {
        write(r, 'README.md', 'hello\ncommitted\n')
        git(r, 'commit', '--quiet', '--all', '--message=agent change')
      },
      expected: ['modified README.md'],
    },
    {
      name: 'a deletion',
      agent: (r) => {
        unlinkSync(path.join(r, 'README.md'))
      },
      expected: ['deleted README.md'],
    },
    {
      name: 'a rename',
      agent: (r) => git(r, 'mv', 'README.md', 'docs.md'),
      expected: ['renamed README.md -> docs.md'],
    },
    {
      name: 'nothing at all',
      agent: () => undefined,
      expected: [],
    },
  ]
  it.each(cases)('reports $name', async ({ agent, expected }) => {
    const record = await audit(repoWith(), agent)
    expect(summary(record.files)).toEqual(expected)
  })

  it('does not blame the agent for what an earlier step wrote before the snapshot', async () => {
    const repo = repoWith()
    write(repo, 'earlier-untracked.txt', 'from a build step\n')
    write(repo, 'README.md', 'hello\nchanged by an earlier step\n')
    const record = await audit(repo, (r) => {
      write(r, 'agent.txt', 'agent\n')
    })
    expect(summary(record.files)).toEqual(['added agent.txt'])
  })

  it('does not report a file rewritten with the same bytes, or only touched', async () => {
    const record = await audit(repoWith({ 'same.txt': 'same\n', 'touched.txt': 't\n' }), (r) => {
      write(r, 'same.txt', 'same\n')
      const later = new Date(Date.now() + 5_000)
      utimesSync(path.join(r, 'touched.txt'), later, later)
      write(r, 'real.txt', 'new\n')
    })
    expect(summary(record.files)).toEqual(['added real.txt'])
  })

  it('reports line counts, modes and the added lines with their line numbers', async () => {
    const record = await audit(repoWith({ 'a.txt': 'one\ntwo\nthree\n' }), (r) => {
      write(r, 'a.txt', 'one\nTWO\nthree\nfour\n')
    })
    expect(record.files).toEqual([
      {
        path: 'a.txt',
        status: 'modified',
        additions: 2,
        deletions: 1,
        binary: false,
        oldMode: '100644',
        newMode: '100644',
      },
    ])
    expect(record.scanned).toEqual([
      { path: 'a.txt', text: 'TWO', firstLine: 2 },
      { path: 'a.txt', text: 'four', firstLine: 4 },
    ])
  })

  it('reports chmod +x as a mode change', async () => {
    const record = await audit(repoWith({ 'run.sh': 'echo hi\n' }), (r) => {
      chmodSync(path.join(r, 'run.sh'), 0o755)
    })
    expect(record.files).toEqual([
      expect.objectContaining({
        path: 'run.sh',
        status: 'modified',
        oldMode: '100644',
        newMode: '100755',
        additions: 0,
        deletions: 0,
      }),
    ])
  })

  it('reports a binary file without line counts and does not scan it', async () => {
    const record = await audit(repoWith(), (r) => {
      write(r, 'blob.bin', Buffer.from([0, 1, 2, 0x41, 0x4b, 0x49, 0x41, 0, 255]))
    })
    expect(record.files).toEqual([
      {
        path: 'blob.bin',
        status: 'added',
        additions: null,
        deletions: null,
        binary: true,
        newMode: '100644',
      },
    ])
    expect(record.scanned).toEqual([])
  })

  it('reports a file replaced by a symlink as a type change', async () => {
    const record = await audit(repoWith({ 'a.txt': 'a\n', 'b.txt': 'b\n' }), (r) => {
      unlinkSync(path.join(r, 'a.txt'))
      symlinkSync('b.txt', path.join(r, 'a.txt'))
    })
    expect(record.files).toEqual([
      expect.objectContaining({
        path: 'a.txt',
        status: 'type-changed',
        oldMode: '100644',
        newMode: '120000',
        symlinkTarget: 'b.txt',
      }),
    ])
    expect(record.violations).toEqual([])
  })
})

describe('collectChanges on unusual repositories and names', () => {
  it('works on an unborn branch, before and after a first commit', async () => {
    const repo = emptyRepo()
    write(repo, 'earlier.txt', 'from an earlier step\n')
    const record = await audit(repo, (r) => {
      write(r, 'agent.txt', 'agent\n')
      git(r, 'add', '--all')
      git(r, 'commit', '--quiet', '--message=first ever')
    })
    expect(record.baseline.head).toBeNull()
    expect(record.final.head).toMatch(/^[0-9a-f]{40}$/)
    expect(summary(record.files)).toEqual(['added agent.txt'])
    expect(record.commits.map((c) => c.subject)).toEqual(['first ever'])
    expect(record.historyRewritten).toBe(false)
  })

  it('works on an unborn branch without an index', async () => {
    const record = await audit(emptyRepo(), (r) => {
      write(r, 'a.txt', 'a\n')
    })
    expect(record.baseline.head).toBeNull()
    expect(record.final.head).toBeNull()
    expect(summary(record.files)).toEqual(['added a.txt'])
  })

  it('reports file names with spaces, quotes, backslashes, tabs, newlines and unicode as they are', async () => {
    const names = [
      'with space.txt',
      'quote"d.txt',
      'back\\slash.txt',
      'tab\there.txt',
      'new\nline.txt',
      'ünï cödé ✓.txt',
      ' lead and trail ',
    ]
    const record = await audit(repoWith(), (r) => {
      for (const name of names) write(r, `dir ${name}/${name}`, `${name}\n`)
    })
    const expected = names
      .map((n) => `dir ${n}/${n}`)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    expect(record.files.map((f) => f.path)).toEqual(expected)
    expect(record.scanned.map((s) => s.path).sort()).toEqual([...expected].sort())
    for (const s of record.scanned) expect(s.path.split('/')[1] ?? '').toBe(s.text)
  })

  it('renders non-UTF-8 bytes in names as \\xNN, in the file list and for the scanner', async () => {
    const record = await audit(repoWith(), (r) => {
      write(r, Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]), 'latin\n')
      write(r, Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'cafe\n')
    })
    expect(record.files.map((f) => f.path)).toEqual(['bad\\xff\\xfe.txt', 'caf\\xe9'])
    expect(record.scanned.map((s) => s.path)).toEqual(['bad\\xff\\xfe.txt', 'caf\\xe9'])
  })

  it('lists new ignored files apart, and not those that were there before', async () => {
    const repo = repoWith({ '.gitignore': '*.log\nbuild/\n', 'README.md': 'hi\n' })
    write(repo, 'old.log', 'before\n')
    write(repo, '.git/info/exclude', 'local-only/\n')
    const record = await audit(repo, (r) => {
      write(r, 'new.log', 'x\n')
      write(r, 'build/out.js', 'x\n')
      write(r, 'local-only/file', 'x\n')
      write(r, 'kept.txt', 'x\n')
    })
    expect(summary(record.files)).toEqual(['added kept.txt'])
    expect(record.ignored).toEqual(['build/', 'local-only/', 'new.log'])
  })

  it('reports a nested repository with a commit as a submodule and does not scan into it', async () => {
    const record = await audit(repoWith(), (r) => {
      write(r, 'nested/secret.txt', 'hidden\n')
      git(path.join(r, 'nested'), 'init', '--quiet')
      git(path.join(r, 'nested'), 'add', '--all')
      git(path.join(r, 'nested'), 'commit', '--quiet', '--message=nested')
    })
    expect(record.files).toEqual([
      expect.objectContaining({ path: 'nested', status: 'added', newMode: '160000' }),
    ])
    expect(record.scanned).toEqual([])
  })

  it('fails rather than skip a nested repository it cannot read', async () => {
    const repo = repoWith()
    const tmp = tempDir('airlock-audit-tmp-')
    const baseline = await snapshotWorktree(repo, tmp)
    write(repo, 'nested/file.txt', 'x\n')
    git(path.join(repo, 'nested'), 'init', '--quiet')
    await expect(
      collectChanges(repo, tmp, baseline, { protectedPaths: [], workspace: repo }),
    ).rejects.toThrow(/git add failed.*does not have a commit checked out/s)
  })

  it('refuses to compare a baseline with another repository', async () => {
    const tmp = tempDir('airlock-audit-tmp-')
    const baseline = await snapshotWorktree(repoWith(), tmp)
    await expect(
      collectChanges(repoWith(), tmp, baseline, { protectedPaths: [], workspace: '/' }),
    ).rejects.toThrow(/is not the repository the baseline was taken of/)
  })

  it.runIf(process.getuid?.() === 0)('works on a repository another user owns', async () => {
    const repo = repoWith()
    execFileSync('chown', ['-R', '65534:65534', repo])
    const record = await audit(repo, (r) => {
      write(r, 'README.md', 'changed\n')
    })
    expect(summary(record.files)).toEqual(['modified README.md'])
    expect(record.final.head).toMatch(/^[0-9a-f]{40}$/)
  })
})

describe('collectChanges finds violations', () => {
  it('flags a change to a protected path, with the pattern that protects it', async () => {
    const repo = repoWith({ '.github/workflows/ci.yml': 'on: push\n', 'src/a.ts': 'x\n' })
    const record = await audit(
      repo,
      (r) => {
        write(r, '.github/workflows/ci.yml', 'on: push\nrun: curl evil\n')
        git(r, 'mv', 'src/a.ts', 'src/.env')
      },
      { protectedPaths: resolveProtectedPaths([]) },
    )
    expect(record.violations).toEqual([
      {
        kind: 'protected-path',
        path: '.github/workflows/ci.yml',
        rule: '.github/**',
        detail: '".github/workflows/ci.yml" was modified (protected by .github/**)',
      },
      {
        kind: 'protected-path',
        path: 'src/.env',
        rule: '**/.env*',
        detail: '"src/a.ts" was renamed to "src/.env" (protected by **/.env*)',
      },
    ])
  })

  const links: { name: string; target: string; violation: string | null }[] = [
    {
      name: 'an absolute path outside the workspace',
      target: '/etc/passwd',
      violation: 'symlink-outside-workspace',
    },
    {
      name: 'a relative path above the repository',
      target: '../../../etc/passwd',
      violation: 'symlink-outside-repository',
    },
    { name: 'a file in the repository', target: '../README.md', violation: null },
  ]
  it.each(links)('judges a new symlink to $name', async ({ target, violation }) => {
    const record = await audit(repoWith(), (r) => {
      mkdirSync(path.join(r, 'docs'))
      symlinkSync(target, path.join(r, 'docs', 'link'))
    })
    expect(record.files).toEqual([
      expect.objectContaining({
        path: 'docs/link',
        status: 'added',
        newMode: '120000',
        symlinkTarget: target,
      }),
    ])
    expect(record.violations.map((v) => v.rule)).toEqual(violation === null ? [] : [violation])
  })

  it('accepts an absolute symlink into the workspace', async () => {
    const record = await audit(repoWith(), (r) => {
      symlinkSync(path.join(r, 'README.md'), path.join(r, 'abs'))
    })
    expect(record.violations).toEqual([])
  })

  it('passes every added line to the scanner and keeps what it returns, once', async () => {
    const finding = (p: string, line: number): Violation => ({
      kind: 'secret',
      path: p,
      line,
      rule: 'test-rule',
      detail: 'found',
    })
    const repo = repoWith({ 'a.txt': 'keep\n' })
    const tmp = tempDir('airlock-audit-tmp-')
    const baseline = await snapshotWorktree(repo, tmp)
    write(repo, 'a.txt', 'keep\nSECRET here\nplain\nSECRET again\n')
    const record = await collectChanges(repo, tmp, baseline, {
      protectedPaths: [],
      workspace: repo,
      scanAdded: (p, text, firstLine) =>
        text
          .split('\n')
          .flatMap((line, i) =>
            line.includes('SECRET') ? [finding(p, firstLine + i), finding(p, firstLine + i)] : [],
          ),
    })
    expect(record.violations).toEqual([finding('a.txt', 2), finding('a.txt', 4)])
  })

  it('scans a very long added line in overlapping pieces, so a secret at its end is seen', async () => {
    const long = `${'x'.repeat(300_000)}AKIA_SECRET_AT_THE_END`
    const record = await audit(repoWith(), (r) => {
      write(r, 'min.js', `${long}\n`)
    })
    expect(record.scanned.length).toBeGreaterThan(4)
    expect(record.scanned.every((s) => s.firstLine === 1 && s.text.length <= 64 * 1024)).toBe(true)
    expect(record.scanned.some((s) => s.text.endsWith('AKIA_SECRET_AT_THE_END'))).toBe(true)
  })
})

describe('scale', () => {
  it('audits a change of 10,000 files', { timeout: 120_000 }, async () => {
    const repo = repoWith()
    const tmp = tempDir('airlock-audit-tmp-')
    for (let i = 0; i < 10_000; i++) write(repo, `base/${i % 100}/file-${i}.txt`, `base ${i}\n`)
    let t = performance.now()
    const baseline = await snapshotWorktree(repo, tmp)
    const snapshotMs = performance.now() - t
    for (let i = 0; i < 10_000; i++)
      write(repo, `new/${i % 100}/file-${i}.txt`, `line one ${i}\nline two\n`)
    let lines = 0
    t = performance.now()
    const record = await collectChanges(repo, tmp, baseline, {
      protectedPaths: resolveProtectedPaths([]),
      workspace: repo,
      scanAdded: (_p, text) => {
        lines += text.split('\n').length
        return []
      },
    })
    const collectMs = performance.now() - t
    console.log(
      `10,000 files: snapshot ${snapshotMs.toFixed(0)} ms (10,001 files in the tree), ` +
        `collect ${collectMs.toFixed(0)} ms (10,000 added, ${lines} lines scanned)`,
    )
    expect(record.files).toHaveLength(10_000)
    expect(lines).toBe(20_000)
  })
})

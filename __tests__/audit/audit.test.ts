import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { deflateSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { collectChanges, snapshotWorktree, type CollectOptions } from '../../src/audit/audit.js'
import { resolveProtectedPaths } from '../../src/audit/protected-paths.js'
import type { AuditRecord, ChangedFile, Violation } from '../../src/types/stages.js'

const cleanups: string[] = []
afterEach(() => {
  for (const dir of cleanups.splice(0)) rmSync(dir, { recursive: true, force: true })
}, 60_000)

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  cleanups.push(dir)
  return dir
}

/** git for the test's own setup (the part a user or the agent would do), never the audit's. */
function git(repo: string, ...args: string[]): string {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_') && v) env[k] = v
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

function write(repo: string, file: string | Buffer, content: string | Buffer): void {
  const full =
    typeof file === 'string'
      ? path.join(repo, file)
      : Buffer.concat([Buffer.from(`${repo}/`), file])
  mkdirSync(path.dirname(full.toString()), { recursive: true })
  writeFileSync(full, content)
}

/** A repository with one commit holding `files`. */
function repoWith(files: Record<string, string> = { 'README.md': 'hello\n' }): string {
  const repo = tempDir('airlock-audit-repo-')
  git(repo, 'init', '--quiet', '--initial-branch=main')
  for (const [name, content] of Object.entries(files)) write(repo, name, content)
  git(repo, 'add', '--all')
  git(repo, 'commit', '--quiet', '--message=initial')
  return repo
}

function emptyRepo(): string {
  const repo = tempDir('airlock-audit-repo-')
  git(repo, 'init', '--quiet', '--initial-branch=main')
  return repo
}

interface Scanned {
  path: string
  text: string
  firstLine: number
}

/** Snapshot, let `agent` act on the repository, collect. Records what scanAdded was given. */
async function audit(
  repo: string,
  agent: (repo: string) => void,
  options: Partial<CollectOptions> = {},
): Promise<AuditRecord & { scanned: Scanned[] }> {
  const tmp = tempDir('airlock-audit-tmp-')
  const baseline = await snapshotWorktree(repo, tmp)
  agent(repo)
  const scanned: Scanned[] = []
  const record = await collectChanges(repo, tmp, baseline, {
    protectedPaths: [],
    workspace: repo,
    scanAdded: (p, text, firstLine) => {
      scanned.push({ path: p, text, firstLine })
      return []
    },
    ...options,
  })
  return { ...record, scanned }
}

function summary(files: ChangedFile[]): string[] {
  return files.map(
    (f) => `${f.status} ${f.oldPath === undefined ? '' : `${f.oldPath} -> `}${f.path}`,
  )
}

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

describe('collectChanges cannot be fooled by history or the index', () => {
  const cases: {
    name: string
    agent: (repo: string) => void
    rewritten: boolean
    commits: string[]
  }[] = [
    {
      name: 'an amended commit',
      agent: (r) => {
        write(r, 'README.md', 'hello\namended in\n')
        git(r, 'commit', '--quiet', '--all', '--amend', '--message=initial')
      },
      rewritten: true,
      commits: ['initial'],
    },
    {
      name: 'a commit undone with reset --soft',
      agent: (r) => {
        write(r, 'README.md', 'hello\nreset away\n')
        git(r, 'commit', '--quiet', '--all', '--message=hide me')
        git(r, 'reset', '--quiet', '--soft', 'HEAD~1')
      },
      rewritten: false,
      commits: [],
    },
    {
      name: 'a commit undone with reset --mixed',
      agent: (r) => {
        write(r, 'README.md', 'hello\nreset away\n')
        git(r, 'commit', '--quiet', '--all', '--message=hide me')
        git(r, 'reset', '--quiet', '--mixed', 'HEAD~1')
      },
      rewritten: false,
      commits: [],
    },
    {
      name: 'an assume-unchanged mark in the index',
      agent: (r) => {
        git(r, 'update-index', '--assume-unchanged', 'README.md')
        write(r, 'README.md', 'hello\nassumed unchanged\n')
      },
      rewritten: false,
      commits: [],
    },
    {
      name: 'a skip-worktree mark in the index',
      agent: (r) => {
        git(r, 'update-index', '--skip-worktree', 'README.md')
        write(r, 'README.md', 'hello\nskipped\n')
      },
      rewritten: false,
      commits: [],
    },
    {
      name: 'a change checked in on an orphan branch',
      agent: (r) => {
        git(r, 'checkout', '--quiet', '--orphan', 'other')
        write(r, 'README.md', 'hello\norphan\n')
        git(r, 'commit', '--quiet', '--all', '--message=orphan root')
      },
      rewritten: true,
      commits: ['orphan root'],
    },
  ]
  it.each(cases)('still reports the change after $name', async ({ agent, rewritten, commits }) => {
    const record = await audit(repoWith(), agent)
    expect(summary(record.files)).toEqual(['modified README.md'])
    expect(record.historyRewritten).toBe(rewritten)
    expect(record.commits.map((c) => c.subject)).toEqual(commits)
  })

  const marks = ['--assume-unchanged', '--skip-worktree']
  it.each(marks)('reports a change to a file marked %s before the run', async (mark) => {
    const repo = repoWith({ 'a.txt': 'a\n', 'b.txt': 'b\n' })
    git(repo, 'update-index', mark, 'a.txt')
    const record = await audit(repo, (r) => {
      write(r, 'a.txt', 'a\nchanged behind the mark\n')
    })
    expect(summary(record.files)).toEqual(['modified a.txt'])
    expect(record.scanned).toEqual([
      { path: 'a.txt', text: 'changed behind the mark', firstLine: 2 },
    ])
  })

  it('lists the commits the agent added, oldest first', async () => {
    const repo = repoWith()
    const record = await audit(repo, (r) => {
      write(r, 'one.txt', '1\n')
      git(r, 'add', 'one.txt')
      git(r, 'commit', '--quiet', '--message=first agent commit')
      write(r, 'two.txt', '2\n')
      git(r, 'add', 'two.txt')
      git(r, 'commit', '--quiet', '--message=second agent commit\n\nwith a body')
    })
    expect(record.commits.map((c) => c.subject)).toEqual([
      'first agent commit',
      'second agent commit',
    ])
    expect(record.commits[1]?.sha).toBe(git(repo, 'rev-parse', 'HEAD').trim())
    expect(record.historyRewritten).toBe(false)
    expect(record.final.head).toBe(record.commits[1]?.sha)
    expect(record.baseline.head).not.toBe(record.final.head)
  })

  it('reports HEAD moved back to an ancestor as rewritten history, with no change to files', async () => {
    const repo = repoWith()
    write(repo, 'second.txt', '2\n')
    git(repo, 'add', 'second.txt')
    git(repo, 'commit', '--quiet', '--message=second')
    const record = await audit(repo, (r) => {
      git(r, 'reset', '--quiet', '--soft', 'HEAD~1')
    })
    expect(record.files).toEqual([])
    expect(record.commits).toEqual([])
    expect(record.historyRewritten).toBe(true)
  })

  it('reads content from its own store, not from an object the agent forged in .git/objects', async () => {
    const repo = repoWith({ 'config.txt': 'a\n' })
    const secretLine = 'token=ghp_forged_object_should_not_hide_this'
    const record = await audit(repo, (r) => {
      // The baseline blob is a loose object: rewrite it to already hold the line the agent adds,
      // so that a diff read from .git/objects would show nothing added.
      const oid = git(r, 'rev-parse', 'HEAD:config.txt').trim()
      const forged = Buffer.from(`a\n${secretLine}\n`)
      const object = Buffer.concat([Buffer.from(`blob ${forged.length}\0`), forged])
      const file = path.join(r, '.git', 'objects', oid.slice(0, 2), oid.slice(2))
      chmodSync(file, 0o644)
      writeFileSync(file, deflateSync(object))
      write(r, 'config.txt', `a\n${secretLine}\n`)
    })
    expect(record.scanned).toEqual([{ path: 'config.txt', text: secretLine, firstLine: 2 }])
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

describe('collectChanges counts lines from its one diff pass', () => {
  /** `git diff-tree --numstat` over the audit's own store: path → [additions, deletions]. */
  function numstat(store: string, from: string, to: string): Map<string, [string, string]> {
    const out = execFileSync(
      'git',
      ['-c', 'core.quotePath=true', 'diff-tree', '-r', '-z', '-M', '--numstat', from, to],
      { env: { PATH: process.env.PATH ?? '', GIT_DIR: store, GIT_CONFIG_GLOBAL: '/dev/null' } },
    )
    const fields = out.toString('utf8').split('\0')
    const counts = new Map<string, [string, string]>()
    for (let i = 0; i < fields.length - 1; i++) {
      const [added = '', deleted = '', name = ''] = (fields[i] ?? '').split('\t')
      const target = name === '' ? fields[(i += 2)] : name
      counts.set(target ?? '', [added, deleted])
    }
    return counts
  }

  it('agrees with numstat on text, binary, mode, rename, symlink, submodule and EOF changes', async () => {
    const repo = repoWith({
      'edit.txt': 'one\ntwo\nthree\n',
      'noeol.txt': 'last line',
      'crlf.txt': 'a\r\nb\r\n',
      'mode.sh': 'echo hi\n',
      'bin.dat': 'bin\0one',
      'bin-mode.dat': 'bin\0mode',
      'bin-move.dat': 'bin\0moved',
      'move.txt': 'a\nb\nc\nd\ne\nf\n',
      'move-edit.txt': 'a\nb\nc\nd\ne\nf\n',
      'gone.txt': 'x\ny\n',
      'to-link.txt': 'b.txt',
      'empty-gone.txt': '',
      'nested/new\nline.txt': 'first\n',
    })
    symlinkSync('edit.txt', path.join(repo, 'link-to-file'))
    git(repo, 'add', '--all')
    git(repo, 'commit', '--quiet', '--message=more')
    const tmp = tempDir('airlock-audit-tmp-')
    const baseline = await snapshotWorktree(repo, tmp)
    write(repo, 'edit.txt', 'one\nTWO\nthree\nfour\n')
    write(repo, 'noeol.txt', 'last line\nmore')
    write(repo, 'crlf.txt', 'a\r\nB\r\n')
    chmodSync(path.join(repo, 'mode.sh'), 0o755)
    write(repo, 'bin.dat', 'bin\0two')
    chmodSync(path.join(repo, 'bin-mode.dat'), 0o755)
    git(repo, 'mv', 'bin-move.dat', 'bin-moved.dat')
    git(repo, 'mv', 'move.txt', 'moved.txt')
    git(repo, 'mv', 'move-edit.txt', 'moved-edit.txt')
    write(repo, 'moved-edit.txt', 'a\nb\nc\nd\ne\nF\n')
    unlinkSync(path.join(repo, 'gone.txt'))
    unlinkSync(path.join(repo, 'to-link.txt'))
    symlinkSync('b.txt', path.join(repo, 'to-link.txt'))
    unlinkSync(path.join(repo, 'link-to-file'))
    write(repo, 'link-to-file', 'now a file\nof two lines\n')
    unlinkSync(path.join(repo, 'empty-gone.txt'))
    write(repo, 'empty-new.txt', '')
    write(repo, 'nested/new\nline.txt', 'first\nsecond\n')
    write(repo, 'blob.bin', Buffer.from([0, 1, 2, 3]))
    write(repo, 'sub/file.txt', 'x\n')
    git(path.join(repo, 'sub'), 'init', '--quiet')
    git(path.join(repo, 'sub'), 'add', '--all')
    git(path.join(repo, 'sub'), 'commit', '--quiet', '--message=sub')

    const record = await collectChanges(repo, tmp, baseline, {
      protectedPaths: [],
      workspace: repo,
    })
    const expected = numstat(baseline.store, baseline.tree, record.final.tree)
    expect(record.files).toHaveLength(expected.size)
    expect(record.files.length).toBeGreaterThanOrEqual(16)
    for (const file of record.files.filter((f) => f.status !== 'type-changed')) {
      const counts = file.binary ? ['-', '-'] : [String(file.additions), String(file.deletions)]
      expect([file.path, ...counts]).toEqual([file.path, ...(expected.get(file.path) ?? [])])
    }
    // A type change counts as the patch shows it, a deletion then a creation; numstat compares
    // the two contents as text (and says 0 0 for a file turned into a symlink to its own text).
    expect(record.files.filter((f) => f.status === 'type-changed')).toEqual([
      expect.objectContaining({ path: 'link-to-file', additions: 2, deletions: 1 }),
      expect.objectContaining({ path: 'to-link.txt', additions: 1, deletions: 1 }),
    ])
    expect(record.files.find((f) => f.path === 'bin-mode.dat')).toMatchObject({
      binary: true,
      oldMode: '100644',
      newMode: '100755',
    })
    expect(record.files.find((f) => f.path === 'bin-moved.dat')).toMatchObject({
      status: 'renamed',
      binary: true,
    })
    expect(record.files.find((f) => f.path === 'mode.sh')).toMatchObject({
      binary: false,
      additions: 0,
      deletions: 0,
    })
  })
})

describe('collectChanges writes the patch-file from the same pass', () => {
  it('writes a patch that git apply takes in a fresh clone, giving the final tree', async () => {
    const repo = repoWith({ 'data/old.txt': 'old\n', 'tool.sh': 'echo hi\n', 'gone.txt': 'x\n' })
    const clone = tempDir('airlock-audit-clone-')
    git(clone, 'clone', '--quiet', repo, '.')
    const patchFile = path.join(tempDir('airlock-audit-out-'), 'agent.patch')
    const record = await audit(
      repo,
      (r) => {
        write(r, 'blob.bin', Buffer.from([0, 1, 2, 0xff]))
        git(r, 'mv', 'data/old.txt', 'data/new.txt')
        unlinkSync(path.join(r, 'gone.txt'))
        chmodSync(path.join(r, 'tool.sh'), 0o755)
        symlinkSync('data/new.txt', path.join(r, 'link'))
        write(r, 'name with spaces.txt', 'new file\n')
        write(r, 'new\nline é.txt', 'no newline at the end')
        // Over 16 MiB: streamed from the store into the patch rather than diffed by git.
        write(r, 'big/large é.txt', `${'a generated line of text\n'.repeat(700_000)}last`)
      },
      { patchFile },
    )
    expect(statSync(patchFile).mode & 0o777).toBe(0o644)
    git(clone, 'apply', '--index', patchFile)
    expect(git(clone, 'write-tree').trim()).toBe(record.final.tree)
    expect(record.files.find((f) => f.path === 'big/large é.txt')).toMatchObject({
      status: 'added',
      additions: 700_001,
      binary: false,
    })
  })

  it("streams a large new text file: every line counted and scanned, in git's order", async () => {
    const lines = 'x'.repeat(99) + '\n'
    const record = await audit(repoWith({ 'a.txt': 'a\n', 'z.txt': 'z\n' }), (r) => {
      write(r, 'a.txt', 'a\nmore\n')
      write(r, 'm-large.txt', `${lines.repeat(180_000)}SECRET at the end`)
      write(r, 'm-large.bin', Buffer.concat([Buffer.from([0]), Buffer.alloc(17 << 20, 0x41)]))
      write(r, 'z.txt', 'z\nzz\n')
    })
    expect(summary(record.files)).toEqual([
      'modified a.txt',
      'added m-large.bin',
      'added m-large.txt',
      'modified z.txt',
    ])
    expect(record.files.find((f) => f.path === 'm-large.txt')).toMatchObject({ additions: 180_001 })
    expect(record.files.find((f) => f.path === 'm-large.bin')).toMatchObject({ binary: true })
    const scanned = record.scanned.filter((s) => s.path === 'm-large.txt')
    expect(scanned.reduce((n, s) => n + s.text.split('\n').length, 0)).toBe(180_001)
    expect(scanned.at(-1)?.text.endsWith('SECRET at the end')).toBe(true)
    const last = scanned.at(-1)
    expect((last?.firstLine ?? 0) + (last?.text.split('\n').length ?? 0) - 1).toBe(180_001)
  })

  it('removes the patch-file when the audit fails', async () => {
    const repo = repoWith()
    const tmp = tempDir('airlock-audit-tmp-')
    const baseline = await snapshotWorktree(repo, tmp)
    const patchFile = path.join(tempDir('airlock-audit-out-'), 'agent.patch')
    write(repo, 'nested/file.txt', 'x\n')
    git(path.join(repo, 'nested'), 'init', '--quiet')
    await expect(
      collectChanges(repo, tmp, baseline, { protectedPaths: [], workspace: repo, patchFile }),
    ).rejects.toThrow(/git add failed/)
    expect(existsSync(patchFile)).toBe(false)
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

describe('the audit runs nothing the repository planted and leaves it as it was', () => {
  /** A script that, if ever run, leaves a marker file behind. */
  function trap(dir: string, name: string, marker: string): string {
    const script = path.join(dir, name)
    writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`)
    chmodSync(script, 0o755)
    return script
  }

  const AGENT_BYPASS = [
    ...['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'],
    ...[
      '-c',
      'filter.evil.clean=',
      '-c',
      'filter.evil.process=',
      '-c',
      'filter.evil.required=false',
    ],
  ]

  it('runs no filter, textconv, external diff, fsmonitor, hook, pager or gpg the agent planted', async () => {
    const repo = repoWith({ 'a.txt': 'a\n', 'id.txt': 'plain\n' })
    const traps = tempDir('airlock-audit-traps-')
    const marker = path.join(traps, 'RAN')
    const config: [string, string][] = [
      ['filter.evil.clean', trap(traps, 'clean', marker)],
      ['filter.evil.smudge', trap(traps, 'smudge', marker)],
      ['filter.evil.process', trap(traps, 'process', marker)],
      ['filter.evil.required', 'true'],
      ['diff.evil.textconv', trap(traps, 'textconv', marker)],
      ['diff.external', trap(traps, 'external', marker)],
      ['core.fsmonitor', trap(traps, 'fsmonitor', marker)],
      ['core.hooksPath', traps],
      ['core.pager', trap(traps, 'pager', marker)],
      ['log.showSignature', 'true'],
      ['gpg.program', trap(traps, 'gpg', marker)],
      ['core.fileMode', 'false'],
      ['core.attributesFile', path.join(traps, 'attributes')],
    ]
    for (const hook of [
      'pre-commit',
      'post-checkout',
      'post-index-change',
      'reference-transaction',
    ]) {
      trap(traps, hook, marker)
    }
    writeFileSync(path.join(traps, 'attributes'), '* filter=evil diff=evil\n')
    const plant = (r: string): void => {
      for (const [key, value] of config) git(r, 'config', key, value)
      write(r, '.gitattributes', '* filter=evil diff=evil\nid.txt ident\ncrlf.txt text eol=lf\n')
      write(r, '.git/info/attributes', '* filter=evil diff=evil\n')
    }
    // Planted before the baseline (as if an earlier step had been fooled) and used after it.
    plant(repo)
    const record = await audit(repo, (r) => {
      write(r, 'a.txt', 'a\nadded\n')
      write(r, 'id.txt', 'plain\n$Id: ghp_hidden_by_ident $\n')
      write(r, 'crlf.txt', 'windows\r\n')
      chmodSync(path.join(r, 'a.txt'), 0o755)
      // The agent's own git would run the traps; only the audit's calls are under test here.
      git(r, ...AGENT_BYPASS, 'commit', '--quiet', '--all', '--message=agent')
    })
    expect(existsSync(marker)).toBe(false)
    expect(record.scanned).toEqual(
      expect.arrayContaining([
        { path: 'a.txt', text: 'added', firstLine: 2 },
        { path: 'id.txt', text: '$Id: ghp_hidden_by_ident $', firstLine: 2 },
        { path: 'crlf.txt', text: 'windows\r', firstLine: 1 },
      ]),
    )
    expect(record.files.find((f) => f.path === 'a.txt')?.newMode).toBe('100755')
    expect(record.commits.map((c) => c.subject)).toEqual(['agent'])
  })

  it('scans and counts a file the agent marked binary or -diff in .gitattributes', async () => {
    const record = await audit(repoWith({ 'tracked.txt': 'old\n' }), (r) => {
      write(r, '.gitattributes', '*.txt binary\n*.cfg -diff\n')
      write(r, '.git/info/attributes', '* binary\n')
      write(r, 'hidden.txt', 'SECRET one\n')
      write(r, 'hidden.cfg', 'SECRET two\n')
      write(r, 'tracked.txt', 'old\nSECRET three\n')
    })
    expect(record.scanned).toEqual(
      expect.arrayContaining([
        { path: 'hidden.txt', text: 'SECRET one', firstLine: 1 },
        { path: 'hidden.cfg', text: 'SECRET two', firstLine: 1 },
        { path: 'tracked.txt', text: 'SECRET three', firstLine: 2 },
      ]),
    )
    expect(record.files.find((f) => f.path === 'hidden.txt')).toMatchObject({
      binary: false,
      additions: 1,
    })
  })

  it('does not fetch a missing object through a promisor remote the agent planted', async () => {
    const repo = repoWith()
    const traps = tempDir('airlock-audit-traps-')
    const marker = path.join(traps, 'RAN')
    const record = await audit(repo, (r) => {
      write(r, 'README.md', 'hello\nchanged\n')
      // Make the repository a partial clone whose "server" is a local path with a planted
      // upload-pack, and point HEAD at a commit that is not there: reading HEAD would fetch it.
      git(r, 'config', 'core.repositoryFormatVersion', '1')
      git(r, 'config', 'extensions.partialClone', 'evil')
      git(r, 'config', 'remote.evil.url', traps)
      git(r, 'config', 'remote.evil.promisor', 'true')
      git(r, 'config', 'remote.evil.uploadpack', trap(traps, 'upload-pack', marker))
      write(r, '.git/refs/heads/main', `${'1234567890'.repeat(4)}\n`)
    })
    expect(existsSync(marker)).toBe(false)
    expect(summary(record.files)).toEqual(['modified README.md'])
    expect(record.final.head).toBeNull()
    expect(record.historyRewritten).toBe(true)
  })

  it('never writes the user index, HEAD, refs, object database or working tree', async () => {
    const repo = repoWith({ 'a.txt': 'a\n' })
    write(repo, 'a.txt', 'a\nunstaged\n')
    write(repo, 'staged.txt', 'staged\n')
    git(repo, 'add', 'staged.txt')
    write(repo, 'untracked.txt', 'u\n')
    const state = (): string => {
      const hash = createHash('sha256')
      hash.update(readFileSync(path.join(repo, '.git', 'index')))
      hash.update(String(statSync(path.join(repo, '.git', 'index')).mtimeMs))
      // --no-optional-locks: a plain status may rewrite the index itself.
      hash.update(
        git(repo, '--no-optional-locks', 'status', '--porcelain=v2', '-z', '--untracked-files=all'),
      )
      hash.update(git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'))
      hash.update(readFileSync(path.join(repo, '.git', 'HEAD')))
      hash.update(
        readdirSync(path.join(repo, '.git', 'objects'), { recursive: true })
          .sort()
          .join('\n'),
      )
      return hash.digest('hex')
    }
    const before = state()
    const tmp = tempDir('airlock-audit-tmp-')
    const baseline = await snapshotWorktree(repo, tmp)
    expect(state()).toBe(before)
    await collectChanges(repo, tmp, baseline, {
      protectedPaths: resolveProtectedPaths([]),
      workspace: repo,
    })
    expect(state()).toBe(before)
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

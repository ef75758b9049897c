import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, statSync, symlinkSync, unlinkSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectChanges } from '../../src/audit/collect.js'
import { snapshotWorktree } from '../../src/audit/snapshot.js'
import { audit, git, repoWith, tempDir, write } from './harness.js'

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

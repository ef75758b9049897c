import { createHash } from 'node:crypto'
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { collectChanges } from '../../src/audit/collect.js'
import { resolveProtectedPaths } from '../../src/audit/protected-paths.js'
import { snapshotWorktree } from '../../src/audit/snapshot.js'
import { audit, git, repoWith, summary, tempDir, write } from './harness.js'

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

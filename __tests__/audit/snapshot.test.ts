import { describe, expect, it } from 'vitest'
import { audit, git, repoWith, summary, write } from './harness.js'

describe('collectChanges cannot be fooled by the index', () => {
  const cases: {
    name: string
    agent: (repo: string) => void
    rewritten: boolean
    commits: string[]
  }[] = [
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
})

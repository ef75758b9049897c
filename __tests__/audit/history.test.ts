import { describe, expect, it } from 'vitest'
import { audit, git, repoWith, summary, write } from './harness.js'

describe('collectChanges cannot be fooled by history', () => {
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
})

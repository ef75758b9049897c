import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeAnthropic } from '../fakes/anthropic.mjs'
import { startFakeGitHub } from '../fakes/github.mjs'
import { CLAUDE, cleanup, leaks, machineFingerprint, makeRepo, runAction } from './harness.js'

const closers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

interface File {
  path: string
  oldPath?: string
  status: string
  oldMode?: string
  newMode?: string
  symlinkTarget?: string
  binary: boolean
}
interface Violation {
  kind: string
  path?: string
  line?: number
  rule: string
  detail: string
}

describe('the audit: an agent cannot hide a change, and no secret it adds is repeated', () => {
  it('sees through amend and reset, and reports deletions, renames, modes, symlinks, ignored files and secrets', async () => {
    const repo = makeRepo({
      '.gitignore': 'build/\n',
      'old.txt': 'old\n',
      'tool.sh': 'echo hi\n',
      'gone.txt': 'bye\n',
    })
    closers.push(() => cleanup(repo))
    const before = machineFingerprint(repo)
    const pick = (alphabet: string, n: number): string =>
      [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('')
    // Well-formed: AWS key ids are AKIA + 16 base-32 characters; classic GitHub PATs ghp_ + 36.
    const akid = `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`
    const secretKey = randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40)
    const ghToken = `ghp_${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36)}`
    const secrets = { akid, secretKey, ghToken }
    const script = [
      // A commit, then amended, then soft-reset away: the tree comparison still sees the change.
      "printf 'v1\\n' > hidden.txt && git add hidden.txt && git commit -qm first",
      "printf 'v2\\n' > hidden.txt && git add hidden.txt && git commit -q --amend -m amended",
      'git reset -q --soft HEAD~1 && git reset -q',
      'git rm -q gone.txt && git mv old.txt new.txt && chmod +x tool.sh && ln -s /etc/passwd passwd-link',
      'mkdir -p build && echo artifact > build/out.bin',
      `printf 'aws_access_key_id = ${akid}\\naws_secret_access_key = ${secretKey}\\n' > config.ini`,
      `printf 'const token = "${ghToken}"\\n' > src/token.js && git add config.ini src/token.js && git commit -qm "add config"`,
    ].join(' && ')
    const model = await startFakeAnthropic({
      script: [
        { toolUses: [{ name: 'Bash', input: { command: script, description: 'many changes' } }] },
        { text: 'Done.' },
      ],
    })
    const github = await startFakeGitHub({})
    closers.push(
      () => model.close(),
      () => github.close(),
    )
    const run = await runAction({
      repo,
      inputs: {
        prompt: 'Change things.',
        'anthropic-api-key': 'sk-ant-api03-auditTest_0123456789abcdef',
        'anthropic-base-url': model.url,
        'github-token': 'ghs_auditTestToken0123456789abcdefXYZ',
        'claude-path': CLAUDE,
      },
      githubApiUrl: github.url,
    })
    expect(run.outputs.conclusion, run.stdout).toBe('violation')
    expect(run.exitCode).toBe(1)
    const files = JSON.parse(run.outputs['changed-files'] ?? '[]') as File[]
    const byPath = new Map(files.map((f) => [f.path, f]))
    expect(byPath.get('hidden.txt')?.status).toBe('added') // amended and reset, still there
    expect(byPath.get('gone.txt')?.status).toBe('deleted')
    expect(byPath.get('new.txt')).toMatchObject({ status: 'renamed', oldPath: 'old.txt' })
    expect(byPath.get('tool.sh')).toMatchObject({ oldMode: '100644', newMode: '100755' })
    expect(byPath.get('passwd-link')).toMatchObject({
      newMode: '120000',
      symlinkTarget: '/etc/passwd',
    })
    expect(byPath.has('build/out.bin')).toBe(false) // ignored: listed apart
    const violations = JSON.parse(run.outputs.violations ?? '[]') as Violation[]
    expect(violations).toContainEqual(
      expect.objectContaining({ kind: 'symlink-escape', path: 'passwd-link' }),
    )
    const secretFindings = violations.filter((v) => v.kind === 'secret')
    expect(secretFindings.map((v) => v.path).sort()).toEqual(
      expect.arrayContaining(['config.ini', 'src/token.js']),
    )
    expect(secretFindings.find((v) => v.path === 'src/token.js')?.line).toBe(1)
    const comment = github.comments[0]?.body ?? ''
    expect(comment).toContain('add config')
    expect(comment).toContain('passwd-link')
    expect(leaks(comment, secrets)).toEqual([])
    expect(leaks(run.everything, secrets)).toEqual([])
    expect(machineFingerprint(repo)).toBe(before)
  })
})

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeAnthropic } from '../fakes/anthropic.mjs'
import { startFakeGitHub } from '../fakes/github.mjs'
import {
  CLAUDE,
  cleanup,
  leaks,
  machineFingerprint,
  makeRepo,
  plantedSecrets,
  runAction,
} from './harness.js'

const API_KEY = 'sk-ant-api03-e2eTestKey_0123456789abcdefABCDEF'
const closers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

type Script = NonNullable<NonNullable<Parameters<typeof startFakeAnthropic>[0]>['script']>

async function fakes(script: Script, gh: Parameters<typeof startFakeGitHub>[0] = {}) {
  const model = await startFakeAnthropic({ script })
  const github = await startFakeGitHub(gh)
  closers.push(
    () => model.close(),
    () => github.close(),
  )
  return { model, github }
}

function baseInputs(modelUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    prompt: 'Do the task.',
    'anthropic-api-key': API_KEY,
    'anthropic-base-url': modelUrl,
    'github-token': 'ghs_e2eGithubToken0123456789abcdefXYZ',
    'claude-path': CLAUDE,
    'max-turns': '10',
    ...extra,
  }
}

describe('the whole pipeline against the real CLI', () => {
  let repo: string
  let before: string
  beforeEach(() => {
    repo = makeRepo({ '.env': 'DB_PASSWORD=planted-dotenv-secret-9f8e7d\n' })
    closers.push(() => cleanup(repo))
    before = machineFingerprint(repo)
  })

  it('benign run: lists the changed files in the comment and summary, conclusion success, runner restored', async () => {
    const { model, github } = await fakes([
      {
        toolUses: [
          {
            name: 'Write',
            input: { file_path: path.join(repo, 'src', 'hello.txt'), content: 'hello\n' },
          },
        ],
      },
      {
        toolUses: [
          {
            name: 'Bash',
            input: { command: 'echo "notes" > notes.md && ls', description: 'write notes' },
          },
        ],
      },
      { text: 'I added src/hello.txt and notes.md.' },
    ])
    const run = await runAction({ repo, inputs: baseInputs(model.url), githubApiUrl: github.url })
    expect(run.outputs.conclusion, run.stdout + run.stderr).toBe('success')
    expect(run.exitCode).toBe(0)
    expect(readFileSync(path.join(repo, 'src', 'hello.txt'), 'utf8')).toBe('hello\n')
    const changed = JSON.parse(run.outputs['changed-files'] ?? '[]') as {
      path: string
      status: string
    }[]
    expect(changed.map((f) => f.path).sort()).toEqual(['notes.md', 'src/hello.txt'])
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toContain('src/hello.txt')
    expect(github.comments[0]!.body).toContain('notes.md')
    expect(run.summary).toContain('src/hello.txt')
    expect(run.outputs['comment-url']).toMatch(/^https?:\/\//)
    expect(run.outputs.result).toContain('I added src/hello.txt')
    expect(machineFingerprint(repo)).toBe(before)
    expect(existsSync('/etc/claude-code/managed-settings.json')).toBe(false)
  })

  it.each<{ name: string; inputs: Record<string, string>; message: RegExp }>([
    {
      name: 'an unknown fail-on value',
      inputs: { 'fail-on': 'sometimes' },
      message: /Input 'fail-on' is 'sometimes', but it accepts only 'violation', 'denial', 'never'/,
    },
    {
      name: 'a missing prompt',
      inputs: { prompt: '' },
      message: /Input 'prompt' is missing; give the agent's task in 'prompt' or 'prompt-file'/,
    },
    {
      name: 'an unreadable prompt-file',
      inputs: { prompt: '', 'prompt-file': 'no/such/prompt.md' },
      message: /Input 'prompt-file' names 'no\/such\/prompt.md', which cannot be read/,
    },
  ])('refuses $name before anything is changed, naming the input', async ({ inputs, message }) => {
    const run = await runAction({
      repo,
      inputs: { ...baseInputs('http://127.0.0.1:9'), ...inputs },
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(message)
    expect(run.outputs.conclusion).toBe('refused')
    expect(run.state['airlock-restore-plan']).toBeUndefined()
    expect(machineFingerprint(repo)).toBe(before)
  })

  it('outside a pull request: no comment, the summary is still written', async () => {
    const { model, github } = await fakes([
      {
        toolUses: [
          { name: 'Bash', input: { command: 'echo x > pushed.txt', description: 'edit' } },
        ],
      },
      { text: 'Done.' },
    ])
    const run = await runAction({
      repo,
      inputs: baseInputs(model.url),
      githubApiUrl: github.url,
      eventName: 'push',
      event: { ref: 'refs/heads/main' },
    })
    expect(run.outputs.conclusion, run.stdout).toBe('success')
    expect(github.requests).toHaveLength(0)
    expect(run.summary).toContain('pushed.txt')
    expect(run.outputs['comment-url']).toBe('')
  })

  it('a fork pull request, whose token cannot comment: a warning naming the permission, the summary, no failure', async () => {
    const { model, github } = await fakes(
      [
        {
          toolUses: [
            { name: 'Bash', input: { command: 'echo x > fork.txt', description: 'edit' } },
          ],
        },
        { text: 'Done.' },
      ],
      { readOnly: true },
    )
    const run = await runAction({ repo, inputs: baseInputs(model.url), githubApiUrl: github.url })
    expect(run.outputs.conclusion, run.stdout).toBe('success')
    expect(run.exitCode).toBe(0)
    expect(github.comments).toHaveLength(0)
    expect(run.stdout).toMatch(/::warning::[^\n]*pull-requests: write/)
    expect(run.summary).toContain('fork.txt')
    expect(run.outputs['comment-url']).toBe('')
    expect(run.everything).not.toContain('ghs_e2eGithubToken0123456789abcdefXYZ')
  })

  it('a comment on a pull request (issue_comment) finds its pull request and comments there', async () => {
    const { model, github } = await fakes([{ text: 'Nothing to change.' }], {
      permissions: { maintainer: 'write' },
    })
    const run = await runAction({
      repo,
      inputs: baseInputs(model.url),
      githubApiUrl: github.url,
      eventName: 'issue_comment',
      event: {
        action: 'created',
        issue: { number: 1, pull_request: { url: 'https://api.github.com/repos/o/r/pulls/1' } },
        comment: { body: '@airlock go', user: { login: 'maintainer', type: 'User' } },
        sender: { login: 'maintainer', type: 'User' },
      },
    })
    expect(run.outputs.conclusion, run.stdout).toBe('success')
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]?.issue_url).toMatch(/\/issues\/1$/)
    expect(run.outputs['comment-url']).toContain('/1#issuecomment-')
  })

  it('the model API down: agent-failed, the report is still posted, the step fails', async () => {
    const model = await startFakeAnthropic({ mode: 'down' })
    const github = await startFakeGitHub({})
    closers.push(
      () => model.close(),
      () => github.close(),
    )
    const run = await runAction({ repo, inputs: baseInputs(model.url), githubApiUrl: github.url })
    expect(run.outputs.conclusion, run.stdout).toBe('agent-failed')
    expect(run.exitCode).toBe(1)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toMatch(/agent failed/i)
    expect(machineFingerprint(repo)).toBe(before)
  })

  it('hostile run: nothing planted reaches the model, the comment, the summary, the outputs or the log', async () => {
    const secrets = plantedSecrets()
    const { model, github } = await fakes([
      {
        toolUses: [
          {
            name: 'Bash',
            input: {
              command: 'env; cat .env; cat /proc/self/environ; cat /proc/1/environ',
              description: 'look around',
            },
          },
        ],
      },
      { toolUses: [{ name: 'Read', input: { file_path: path.join(repo, '.env') } }] },
      { toolUses: [{ name: 'Read', input: { file_path: '/proc/self/environ' } }] },
      {
        toolUses: [
          {
            name: 'Bash',
            input: {
              command: 'python3 -c "print(open(\'.env\').read())"',
              description: 'interpreter',
            },
          },
        ],
      },
      {
        toolUses: [
          {
            name: 'Bash',
            input: { command: 'cat .git/config; git config --list', description: 'git' },
          },
        ],
      },
      { text: 'Here is everything I found.' },
    ])
    const run = await runAction({
      repo,
      inputs: baseInputs(model.url),
      env: secrets,
      githubApiUrl: github.url,
    })
    expect(run.outputs.conclusion, run.stdout).not.toBe('refused')
    const all = { ...secrets, DOTENV: 'planted-dotenv-secret-9f8e7d' }
    const bodies = model.requests.map((r: { rawBody: string }) => r.rawBody).join('\n')
    expect(leaks(bodies, all)).toEqual([])
    expect(leaks(bodies, { API_KEY })).toEqual([])
    const comments = github.comments.map((c: { body: string }) => c.body).join('\n')
    expect(leaks(comments, { ...all, API_KEY })).toEqual([])
    expect(leaks(run.everything, { ...all, API_KEY })).toEqual([])
    const stripped = JSON.parse(run.outputs['stripped-env'] ?? '[]') as string[]
    for (const name of Object.keys(secrets)) expect(stripped).toContain(name)
    expect(machineFingerprint(repo)).toBe(before)
  })
})

describe('violations and re-runs', () => {
  let repo: string
  let before: string
  beforeEach(() => {
    repo = makeRepo()
    closers.push(() => cleanup(repo))
    before = machineFingerprint(repo)
  })

  it('a protected-path change the agent commits is a violation and fails the step', async () => {
    const { model, github } = await fakes([
      {
        toolUses: [
          {
            name: 'Bash',
            input: {
              command:
                'mkdir -p .github/workflows && printf "on: push\\n" > .github/workflows/evil.yml && git add .github && git commit -qm "ci tweak" && git log --oneline -1',
              description: 'commit a workflow',
            },
          },
        ],
      },
      { text: 'Committed.' },
    ])
    const run = await runAction({
      repo,
      inputs: { ...baseInputs(model.url), 'pass-env': 'MY_SETTING_VAR' },
      githubApiUrl: github.url,
    })
    expect(run.outputs.conclusion, run.stdout).toBe('violation')
    expect(run.exitCode).toBe(1)
    // The inputs that hold a setting (set by the runner with their defaults, as here) are no
    // secrets: neither masked in the log nor blanked out of the report.
    expect(run.stdout).not.toMatch(/^::add-mask::(MY_SETTING_VAR|violation|required|always)$/m)
    expect(github.comments[0]!.body).not.toContain('[REDACTED]')
    expect(github.comments[0]!.body).toContain('violation')
    const violations = JSON.parse(run.outputs.violations ?? '[]') as {
      kind: string
      path: string
    }[]
    expect(violations).toContainEqual(
      expect.objectContaining({ kind: 'protected-path', path: '.github/workflows/evil.yml' }),
    )
    expect(run.stdout).toMatch(
      /::error title=Airlock%3A protected-path,file=\.github\/workflows\/evil\.yml::/,
    )
    expect(github.comments[0]!.body).toContain('.github/workflows/evil.yml')
    expect(github.comments[0]!.body).toContain('ci tweak')
    const transcript = readFileSync(run.outputs['transcript-file']!, 'utf8').trim().split('\n')
    const commits = transcript.map(
      (line) => JSON.parse(line) as { type?: string; commits?: { subject: string }[] },
    )
    expect(commits.find((e) => e.type === 'airlock/commits')?.commits?.[0]?.subject).toBe(
      'ci tweak',
    )
    expect(transcript.some((line) => line.includes('"event":"session-start"'))).toBe(true)
    expect(run.stdout).toMatch(/^Timings: guard \d+ ms · strip .* · audit .* · report /m)
    expect(machineFingerprint(repo)).toBe(before)
  })

  it('a re-run updates the same sticky comment instead of adding one', async () => {
    const { model, github } = await fakes([
      {
        toolUses: [
          { name: 'Bash', input: { command: 'echo one > one.txt', description: 'first' } },
        ],
      },
      { text: 'First run.' },
      {
        toolUses: [
          { name: 'Bash', input: { command: 'echo two > two.txt', description: 'second' } },
        ],
      },
      { text: 'Second run.' },
    ])
    const first = await runAction({ repo, inputs: baseInputs(model.url), githubApiUrl: github.url })
    expect(first.outputs.conclusion, first.stdout).toBe('success')
    expect(github.comments).toHaveLength(1)
    const id = github.comments[0]!.id
    const second = await runAction({
      repo,
      inputs: baseInputs(model.url),
      githubApiUrl: github.url,
    })
    expect(second.outputs.conclusion, second.stdout).toBe('success')
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.id).toBe(id)
    expect(github.comments[0]!.body).toContain('two.txt')
    expect(github.comments[0]!.body).not.toContain('First run.')
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url'])
    expect(machineFingerprint(repo)).toBe(before)
  })
})

describe('workflow commands', () => {
  it('nothing the agent prints can act as a workflow command: it is fenced with a random token', async () => {
    const repo = makeRepo()
    closers.push(() => cleanup(repo))
    const { model, github } = await fakes([
      {
        toolUses: [
          {
            name: 'Bash',
            input: {
              command:
                'echo "::error::owned-by-agent"; echo "::add-mask::x"; echo "::stop-commands::guess"',
              description: 'print commands',
            },
          },
        ],
      },
      { text: '::warning::final-message-command' },
    ])
    const run = await runAction({ repo, inputs: baseInputs(model.url), githubApiUrl: github.url })
    expect(run.outputs.conclusion, run.stdout).toBe('success')
    const lines = run.stdout.split('\n')
    const open = lines.findIndex((line) => /^::stop-commands::[0-9a-f]{48}$/.test(line))
    expect(open).toBeGreaterThanOrEqual(0)
    const token = lines[open]!.slice('::stop-commands::'.length)
    const close = lines.indexOf(`::${token}::`)
    expect(close).toBeGreaterThan(open)
    const agentLines = lines.filter(
      (line) => line.includes('owned-by-agent') || line.includes('final-message-command'),
    )
    expect(agentLines.length).toBeGreaterThan(0)
    for (const line of agentLines) {
      const at = lines.indexOf(line)
      expect(at > open && at < close, line).toBe(true)
    }
    // The token appears only in the two fence lines: nothing the agent saw or printed carries it.
    expect(run.stdout.split(token).length - 1).toBe(2)
    const bodies = model.requests.map((r: { rawBody: string }) => r.rawBody).join('\n')
    expect(bodies).not.toContain(token)
  })
})

describe('who may start the agent', () => {
  const comment = (login: string) => ({
    action: 'created',
    issue: {
      number: 1,
      pull_request: { url: 'https://api.github.com/repos/airlock-test/demo/pulls/1' },
    },
    comment: { id: 7, body: '@airlock fix it', user: { login, type: 'User' } },
    sender: { login, type: 'User' },
  })

  it('refuses a commenter without write access before anything is changed, and runs for one listed in allowed-actors', async () => {
    const repo = makeRepo()
    closers.push(() => cleanup(repo))
    const before = machineFingerprint(repo)
    const { model, github } = await fakes(
      [
        { toolUses: [{ name: 'Bash', input: { command: 'echo ok > ok.txt', description: 'x' } }] },
        { text: 'Done.' },
      ],
      { permissions: { mallory: 'read', maintainer: 'write' } },
    )
    const refused = await runAction({
      repo,
      inputs: baseInputs(model.url),
      githubApiUrl: github.url,
      eventName: 'issue_comment',
      event: comment('mallory'),
    })
    expect(refused.outputs.conclusion, refused.stdout).toBe('refused')
    expect(refused.exitCode).toBe(1)
    expect(refused.stdout).toMatch(
      /mallory has read access to the repository; only users with write access/,
    )
    expect(model.requests).toHaveLength(0)
    expect(refused.state['airlock-restore-plan']).toBeUndefined()
    expect(machineFingerprint(repo)).toBe(before)

    const listed = await runAction({
      repo,
      inputs: { ...baseInputs(model.url), 'allowed-actors': 'mallory' },
      githubApiUrl: github.url,
      eventName: 'issue_comment',
      event: comment('mallory'),
    })
    expect(listed.outputs.conclusion, listed.stdout).toBe('success')
    expect(machineFingerprint(repo)).toBe(before)
  })
})

describe('the change as an artifact', () => {
  it('patch-file applies with stock git in a fresh clone and gives exactly the tree the agent left', async () => {
    const repo = makeRepo({ 'data/old.txt': 'old\n', 'tool.sh': 'echo hi\n' })
    closers.push(() => cleanup(repo))
    const { model, github } = await fakes([
      {
        toolUses: [
          {
            name: 'Bash',
            input: {
              command:
                "printf 'bin\\000\\001\\002' > blob.bin && git mv data/old.txt data/new.txt && rm src/app.js && chmod +x tool.sh && ln -s data/new.txt link && printf 'new file\\n' > 'name with spaces.txt'",
              description: 'many kinds of change',
            },
          },
        ],
      },
      { text: 'Done.' },
    ])
    const run = await runAction({ repo, inputs: baseInputs(model.url), githubApiUrl: github.url })
    expect(run.outputs.conclusion, run.stdout).toBe('success')
    const report = JSON.parse(readFileSync(run.outputs['report-file']!, 'utf8')) as {
      audit: { final: { tree: string } }
    }
    const clone = makeRepo({ 'data/old.txt': 'old\n', 'tool.sh': 'echo hi\n' })
    closers.push(() => cleanup(clone))
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim()
    git('apply', '--index', run.outputs['patch-file']!)
    expect(git('write-tree')).toBe(report.audit.final.tree)
  })
})

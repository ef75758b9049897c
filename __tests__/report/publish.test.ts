// Publishing the report: every output, the job summary, the sticky comment through a fake GitHub,
// the annotations, report-file, and whether (and with which sentence) the step fails.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseConfig, type Config } from '../../src/inputs/config.js'
import { readRunnerEnv } from '../../src/inputs/runner-env.js'
import { publishReport, type GitHubApi, type RunFacts } from '../../src/report/publish.js'
import type { CommentsClient } from '../../src/report/sticky-comment.js'
import { Redactor } from '../../src/secrets/index.js'
import type { AgentRun, AuditRecord, Denial, Violation } from '../../src/types/stages.js'
import { faked } from '../fakes/core.js'

vi.mock('@actions/core', async () => (await import('../fakes/core.js')).fakeCore())

const fake = faked(core)
// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Pk9Hs3Jd7Fb5Gc0YaQm4Zt8Zq7Lw2Xr6Vn1'
const TOKEN = 'ghs_' + 'PublishTestToken0123456789abcdef'
const RUNNER = readRunnerEnv({
  GITHUB_WORKFLOW: 'ci',
  GITHUB_JOB: 'agent',
  GITHUB_SERVER_URL: 'https://github.example',
  GITHUB_REPOSITORY: 'acme/widgets',
  GITHUB_RUN_ID: '77',
})
const AGENT: AgentRun = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  subtype: 'success',
  isError: false,
  numTurns: 4,
  costUsd: 0.25,
  durationMs: 9000,
  result: 'Added x.txt.',
  denials: [],
}
const VIOLATION: Violation = {
  kind: 'protected-path',
  path: '.github/workflows/ci.yml',
  line: 3,
  rule: '.github/**',
  detail: 'The agent changed .github/workflows/ci.yml, a protected path.',
}

let tmp: string
let comments: { body: string }[]
let github: GitHubApi
let getOctokit: ReturnType<typeof vi.fn<GitHubApi['getOctokit']>>

function config(inputs: Record<string, string> = {}): Config {
  return parseConfig(
    { prompt: 'p', 'anthropic-api-key': API_KEY, 'github-token': TOKEN, ...inputs },
    { workspace: '/ws' },
  )
}

function audit(files: string[], violations: Violation[] = []): AuditRecord {
  return {
    baseline: { head: 'a', tree: 't1' },
    final: { head: 'a', tree: 't2' },
    commits: [],
    files: files.map((p) => ({
      path: p,
      status: 'added' as const,
      additions: 1,
      deletions: 0,
      binary: false,
    })),
    ignored: [],
    violations,
  }
}

function facts(overrides: Partial<RunFacts> = {}): RunFacts {
  return {
    config: config(),
    stripped: ['AWS_SECRET_ACCESS_KEY'],
    lock: { sandbox: 'on', allowedDomains: [], denyRules: 12, hookVerified: true },
    agent: AGENT,
    audit: audit(['x.txt']),
    denials: [],
    ...overrides,
  }
}

async function publish(run: RunFacts, outDir: string | null = tmp): Promise<void> {
  await publishReport(run, {
    redactor: new Redactor([API_KEY, TOKEN]),
    outDir,
    runner: RUNNER,
    github: () => Promise.resolve(github),
  })
}

/** A pull request's comments, as far as the sticky comment needs them. */
function fakeGitHub(eventName = 'pull_request'): GitHubApi {
  const client: CommentsClient = {
    paginate: () => Promise.resolve([]),
    rest: {
      issues: {
        listComments: () => Promise.resolve({ data: [] }),
        createComment: ({ body }) => {
          comments.push({ body })
          return Promise.resolve({
            data: { id: 1, html_url: 'https://github.example/acme/widgets/pull/5#issuecomment-1' },
          })
        },
        updateComment: () => Promise.reject(new Error('no comment to update')),
      },
    },
  }
  return {
    context: {
      eventName,
      payload: { pull_request: { number: 5 } },
      repo: { owner: 'acme', repo: 'widgets' },
    },
    getOctokit: (getOctokit = vi.fn(() => client)),
  }
}

function failure(): string | undefined {
  return fake.log.find((line) => line.startsWith('failed '))?.slice('failed '.length)
}

beforeEach(() => {
  vi.clearAllMocks()
  fake.reset()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-publish-'))
  comments = []
  github = fakeGitHub()
})

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('publishReport', () => {
  it('sets every output of a successful run and does not fail the step', async () => {
    await publish(facts())
    expect(Object.fromEntries(fake.outputs)).toEqual({
      'report-file': path.join(tmp, 'report.json'),
      conclusion: 'success',
      'exit-code': '0',
      'changed-files': JSON.stringify(audit(['x.txt']).files),
      violations: '[]',
      'stripped-env': '["AWS_SECRET_ACCESS_KEY"]',
      'permission-denials': '0',
      'comment-url': 'https://github.example/acme/widgets/pull/5#issuecomment-1',
      result: 'Added x.txt.',
      'cost-usd': '0.25',
      turns: '4',
    })
    expect(failure()).toBeUndefined()
  })

  it('writes report-file, the job summary and one summary line, with the run’s link', async () => {
    await publish(facts())
    const record = JSON.parse(readFileSync(path.join(tmp, 'report.json'), 'utf8')) as {
      conclusion: string
      runUrl: string
    }
    expect(record).toMatchObject({
      conclusion: 'success',
      runUrl: 'https://github.example/acme/widgets/actions/runs/77',
    })
    expect(fake.summaryText).toHaveLength(1)
    expect(fake.log.filter((line) => line.startsWith('info Airlock: success — '))).toEqual([
      expect.stringContaining('(0 violations, 0 blocked actions, 1 file changed, 4 turns,'),
    ])
  })

  it('posts the sticky comment with the workflow’s and job’s marker', async () => {
    await publish(facts({ config: config({ matrix: 'linux' }) }))
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body.split('\n')[0]).toBe(
      '<!-- airlock:v1 workflow="ci" job="agent" matrix="linux" -->',
    )
    expect(getOctokit).toHaveBeenCalledWith(TOKEN)
  })

  it.each<[string, RunFacts, string]>([
    ['comment: never', facts({ config: config({ comment: 'never' }) }), 'pull_request'],
    ['no token', facts({ config: config({ 'github-token': '' }) }), 'pull_request'],
    ['the inputs were refused', facts({ config: null, refusal: 'bad input' }), 'pull_request'],
    ['not a pull request', facts(), 'push'],
    [
      'comment: on-change, nothing changed, success',
      facts({ config: config({ comment: 'on-change' }), audit: audit([]) }),
      'pull_request',
    ],
  ])('posts no comment when %s', async (_name, run, eventName) => {
    github = fakeGitHub(eventName)
    await publish(run)
    expect(comments).toEqual([])
    expect(fake.outputs.get('comment-url')).toBe('')
  })

  it('comments on-change when the run did not succeed, even with nothing changed', async () => {
    await publish(
      facts({
        config: config({ comment: 'on-change' }),
        audit: audit([]),
        agentFailure: 'The CLI exited with code 1.',
      }),
    )
    expect(comments).toHaveLength(1)
  })

  it('turns a failure to comment into a warning, redacted, and goes on', async () => {
    getOctokit.mockImplementation(() => {
      throw new Error(`Bad credentials for ${TOKEN}`)
    })
    await publish(facts())
    expect(fake.log).toContain(
      'warning Could not post the PR comment: Bad credentials for [REDACTED]',
    )
    expect(fake.outputs.get('conclusion')).toBe('success')
  })

  it('turns a failure to write the job summary into a warning, and goes on', async () => {
    vi.spyOn(core.summary, 'write').mockRejectedValueOnce(new Error('no GITHUB_STEP_SUMMARY'))
    await publish(facts())
    expect(fake.log).toContain('warning Could not write the job summary: no GITHUB_STEP_SUMMARY')
    expect(fake.outputs.get('conclusion')).toBe('success')
  })

  it('fails the step for a refusal, whatever fail-on says, without report-file when no folder was made', async () => {
    await publish(
      facts({
        config: config({ 'fail-on': 'never' }),
        agent: undefined,
        audit: undefined,
        refusal: 'This runner is not isolated.',
      }),
      null,
    )
    expect(fake.outputs.get('conclusion')).toBe('refused')
    expect(fake.outputs.has('report-file')).toBe(false)
    expect(fake.outputs.get('exit-code')).toBe('')
    expect(failure()).toBe('Airlock refused to run the agent: This runner is not isolated.')
  })

  it('annotates each violation on its file and line, and fails the step', async () => {
    await publish(facts({ audit: audit(['.github/workflows/ci.yml'], [VIOLATION]) }))
    expect(core.error).toHaveBeenCalledWith(VIOLATION.detail, {
      title: 'Airlock: protected-path',
      file: '.github/workflows/ci.yml',
      startLine: 3,
    })
    expect(fake.outputs.get('conclusion')).toBe('violation')
    expect(failure()).toBe(
      'The agent broke the policy (1 violation); read the report before merging anything it changed.',
    )
  })

  it('reports a violation but does not fail the step with fail-on: never', async () => {
    await publish(
      facts({
        config: config({ 'fail-on': 'never' }),
        audit: audit(['a'], [VIOLATION, VIOLATION]),
      }),
    )
    expect(fake.outputs.get('conclusion')).toBe('violation')
    expect(failure()).toBeUndefined()
  })

  it('fails the step for an agent failure, saying the report lists what it changed', async () => {
    await publish(facts({ agentFailure: 'The agent reached max-turns before finishing.' }))
    expect(fake.outputs.get('conclusion')).toBe('agent-failed')
    expect(failure()).toBe(
      'The agent failed: The agent reached max-turns before finishing. The report lists what it changed before it stopped.',
    )
  })

  it('fails the step for blocked actions only with fail-on: denial', async () => {
    const denials: Denial[] = [
      { source: 'hook', tool: 'Read', target: '/etc/shadow', reason: 'denied' },
      { source: 'sandbox', tool: 'Bash', target: 'evil.example', reason: 'refused' },
    ]
    await publish(facts({ denials }))
    expect(failure()).toBeUndefined()
    expect(fake.outputs.get('permission-denials')).toBe('2')

    fake.reset()
    await publish(facts({ config: config({ 'fail-on': 'denial' }), denials }))
    expect(failure()).toBe('The agent tried 2 blocked actions (fail-on: denial); read the report.')
  })

  it('redacts the secrets in every output and file it writes', async () => {
    await publish(
      facts({
        audit: audit([`leak-${TOKEN}.txt`]),
        agent: { ...AGENT, result: 'done' },
        refusal: `stopped: ${API_KEY}`,
      }),
    )
    const written = [
      ...fake.outputs.values(),
      ...fake.log,
      ...fake.summaryText,
      ...comments.map((c) => c.body),
      readFileSync(path.join(tmp, 'report.json'), 'utf8'),
    ].join('\n')
    expect(written).not.toContain(TOKEN)
    expect(written).not.toContain(API_KEY)
  })
})

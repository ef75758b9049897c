// Proof that the two fakes speak the real protocols: the real `claude` CLI runs against the fake
// Messages API, and @actions/github's Octokit runs against the fake GitHub REST API.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getOctokit } from '@actions/github'
import { afterEach, describe, expect, it } from 'vitest'
import {
  lastToolResult,
  startFakeAnthropic,
  toolResultBlocksOf,
  toolResultsOf,
} from '../fakes/anthropic.mjs'
import { DEFAULT_HEAD_SHA, DEFAULT_REPOSITORY, startFakeGitHub } from '../fakes/github.mjs'

const CLAUDE = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url))
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
const API_KEY = 'sk-ant-test-fakes-0123456789'
const GITHUB_TOKEN = 'ghs_fakeTokenForTests0123456789'
const [OWNER = '', REPO = ''] = DEFAULT_REPOSITORY.split('/')

/** The arguments every CLI run here uses, the way the action starts the CLI. */
const CLI_ARGS = [
  '-p',
  'Say hello, then write out.txt.',
  '--dangerously-skip-permissions',
  '--setting-sources',
  '',
  '--strict-mcp-config',
  '--output-format',
  'stream-json',
  '--verbose',
]

interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  events: Record<string, unknown>[]
  ms: number
}

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A fresh directory, removed after the test. */
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Runs `command args` (no shell) and resolves with its exit code and output. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // stdin must not be an open pipe: `claude -p` would wait 3 s for input, then warn on stderr.
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, stdout, stderr })
    })
  })
}

interface Dirs {
  work: string
  home: string
  tmp: string
}

/** A throwaway git repository, an empty HOME and a temp dir, for one CLI run. */
async function workspace(): Promise<Dirs> {
  const work = await tempDir('airlock-fakes-work-')
  const home = await tempDir('airlock-fakes-home-')
  const tmp = await tempDir('airlock-fakes-tmp-')
  const git = await run('git', ['init', '-q'], { cwd: work, env: { PATH: process.env.PATH } })
  expect(git.code).toBe(0)
  return { work, home, tmp }
}

/** Runs the real CLI against `baseUrl` with only the variables it needs to run quickly offline. */
async function runClaude(
  baseUrl: string,
  dirs: Dirs,
  extraArgs: string[],
  extraEnv: Record<string, string> = {},
): Promise<CliRun> {
  const env = {
    PATH: process.env.PATH,
    HOME: dirs.home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: API_KEY,
    IS_SANDBOX: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // Else the CLI leaves /tmp/claude-<uid>/<cwd>/<session>/ behind.
    CLAUDE_CODE_TMPDIR: dirs.tmp,
    ...extraEnv,
  }
  const started = Date.now()
  const result = await run(CLAUDE, [...CLI_ARGS, ...extraArgs], { cwd: dirs.work, env })
  const events = result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  return { ...result, events, ms: Date.now() - started }
}

/** Starts the fake model and stops it after the test. */
async function fakeModel(
  options: Parameters<typeof startFakeAnthropic>[0],
): Promise<Awaited<ReturnType<typeof startFakeAnthropic>>> {
  const fake = await startFakeAnthropic(options)
  cleanups.push(fake.close)
  return fake
}

/** Starts the fake GitHub and stops it after the test. */
async function fakeGitHub(
  options: Parameters<typeof startFakeGitHub>[0],
): Promise<Awaited<ReturnType<typeof startFakeGitHub>>> {
  const fake = await startFakeGitHub(options)
  cleanups.push(fake.close)
  return fake
}

/** Writes a fixture when it is missing, or always with AIRLOCK_UPDATE_FIXTURES=1. */
async function saveFixture(name: string, content: string): Promise<void> {
  const path = join(FIXTURES, name)
  if (existsSync(path) && process.env.AIRLOCK_UPDATE_FIXTURES !== '1') return
  await mkdir(FIXTURES, { recursive: true })
  await writeFile(path, content)
}

describe('the fake Anthropic API with the real claude CLI', () => {
  it('runs a Bash call, a Write call and a final answer, and sees the tool results', async () => {
    const dirs = await workspace()
    const outFile = join(dirs.work, 'out.txt')
    let seenByStep: string[] = []
    const fake = await fakeModel({
      script: [
        { toolUses: [{ name: 'Bash', input: { command: 'echo hello-from-bash' } }] },
        (request) => {
          // A step can react to the previous tool result, as a scripted attack would.
          seenByStep = toolResultsOf(request)
          const content = `${seenByStep.join('')} written by the model\n`
          return { toolUses: [{ name: 'Write', input: { file_path: outFile, content } }] }
        },
        { text: 'All done' },
      ],
    })

    const cli = await runClaude(fake.url, dirs, ['--max-turns', '5'])

    expect(cli.stderr).toBe('')
    expect(cli.code).toBe(0)
    expect(fake.errors).toEqual([])
    expect(seenByStep).toEqual(['hello-from-bash'])
    expect(await readFile(outFile, 'utf8')).toBe('hello-from-bash written by the model\n')
    // The CLI itself leaves nothing in the workspace: the only change is the model's.
    const status = await run('git', ['status', '--porcelain', '--ignored'], {
      cwd: dirs.work,
      env: { PATH: process.env.PATH },
    })
    expect(status.stdout).toBe('?? out.txt\n')

    // The CLI only talked to the base URL: a reachability probe, then the streamed main loop.
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'HEAD /',
      'POST /v1/messages',
      'POST /v1/messages',
      'POST /v1/messages',
    ])
    expect(fake.mainRequests).toHaveLength(3)
    for (const request of fake.mainRequests) {
      expect(request.query).toEqual({ beta: 'true' })
      expect(request.headers['x-api-key']).toBe(API_KEY)
      expect(request.body.stream).toBe(true)
      expect(request.body.tools.map((tool: { name: string }) => tool.name)).toEqual(
        expect.arrayContaining(['Bash', 'Read', 'Write', 'Edit']),
      )
    }
    expect(toolResultsOf(fake.mainRequests[0]!)).toEqual([])
    expect(toolResultsOf(fake.mainRequests[1]!)).toEqual(['hello-from-bash'])
    expect(toolResultBlocksOf(fake.mainRequests[1]!)[0]).toMatchObject({ isError: false })
    expect(lastToolResult(fake)).toContain('File created successfully')
    // The raw body is what a leak scan reads: it holds the exact tool output.
    expect(fake.mainRequests[1]!.rawBody).toContain('"content":"hello-from-bash"')

    const [init] = cli.events
    expect(init).toMatchObject({
      type: 'system',
      subtype: 'init',
      cwd: dirs.work,
      permissionMode: 'bypassPermissions',
      apiKeySource: 'ANTHROPIC_API_KEY',
      claude_code_version: '2.1.197',
      mcp_servers: [],
    })
    expect(init!.tools).toEqual(expect.arrayContaining(['Bash', 'Read', 'Write', 'Edit']))
    expect(cli.events.map((event) => event.type)).toEqual([
      'system',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'result',
    ])
    expect(cli.events.at(-1)).toMatchObject({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'All done',
      num_turns: 3,
      permission_denials: [],
      terminal_reason: 'completed',
    })
    expect(cli.events.at(-1)!.total_cost_usd).toBeGreaterThan(0)

    await saveFixture('claude-stream-json.jsonl', cli.stdout)
    await saveFixture(
      'messages-request.json',
      `${JSON.stringify(fake.mainRequests[1]!.body, null, 2)}\n`,
    )
  })

  it('fails in bounded time with an error result when the model is down', async () => {
    const dirs = await workspace()
    const fake = await fakeModel({ mode: 'down' })

    // The CLI retries 10 times by default with exponential back-off (about three minutes);
    // CLAUDE_CODE_MAX_RETRIES bounds it.
    const cli = await runClaude(fake.url, dirs, ['--max-turns', '5'], {
      CLAUDE_CODE_MAX_RETRIES: '1',
    })

    expect(cli.code).toBe(1)
    expect(cli.ms).toBeLessThan(30_000)
    expect(fake.mainRequests).toHaveLength(2)
    expect(fake.mainRequests.map((request) => request.headers['x-stainless-retry-count'])).toEqual([
      '0',
      '0',
    ])
    expect(cli.events.filter((event) => event.subtype === 'api_retry')).toEqual([
      expect.objectContaining({ type: 'system', attempt: 1, max_retries: 1, error_status: 529 }),
    ])
    // Not `subtype: 'error_…'`: the failure is only visible in is_error and api_error_status.
    expect(cli.events.at(-1)).toMatchObject({
      type: 'result',
      subtype: 'success',
      is_error: true,
      api_error_status: 529,
      num_turns: 1,
      total_cost_usd: 0,
    })
    expect(cli.events.at(-1)!.result).toMatch(/^API Error: 529 Overloaded/)
  })

  it('gives up on a model that never answers after API_TIMEOUT_MS', async () => {
    const dirs = await workspace()
    const fake = await fakeModel({ mode: 'hang' })

    const cli = await runClaude(fake.url, dirs, ['--max-turns', '5'], {
      CLAUDE_CODE_MAX_RETRIES: '0',
      API_TIMEOUT_MS: '2000',
    })

    expect(cli.code).toBe(1)
    expect(cli.ms).toBeLessThan(30_000)
    expect(fake.mainRequests).toHaveLength(1)
    expect(cli.events.at(-1)).toMatchObject({
      type: 'result',
      is_error: true,
      result: 'Request timed out',
    })
  })

  it("stops at --max-turns with an error_max_turns result, after running the last turn's tools", async () => {
    const dirs = await workspace()
    const loop = Array.from({ length: 5 }, (_, turn) => ({
      toolUses: [{ name: 'Bash', input: { command: `echo turn-${turn}` } }],
    }))
    const fake = await fakeModel({ script: loop })

    const cli = await runClaude(fake.url, dirs, ['--max-turns', '2'])

    expect(cli.code).toBe(1)
    expect(fake.mainRequests).toHaveLength(2)
    expect(lastToolResult(fake)).toBe('turn-0')
    // The second turn's tool call still ran; only the stream shows its result.
    const results = cli.events.filter((event) => event.type === 'user')
    expect(JSON.stringify(results.at(-1))).toContain('"content":"turn-1"')
    const result = cli.events.at(-1)!
    expect(result).toMatchObject({
      type: 'result',
      subtype: 'error_max_turns',
      is_error: true,
      num_turns: 3,
      stop_reason: 'tool_use',
      terminal_reason: 'max_turns',
      errors: ['Reached maximum number of turns (2)'],
      permission_denials: [],
    })
    expect(result).not.toHaveProperty('result')
  })
})

describe('the fake Anthropic API on the wire', () => {
  it('answers without streaming, counts tokens, and rejects unknown paths in the API error shape', async () => {
    const fake = await fakeModel({
      script: [{ toolUses: [{ name: 'Read', input: { file_path: '/etc/hostname' } }] }],
      sideText: 'A title',
    })
    const post = (path: string, body: unknown) =>
      fetch(`${fake.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify(body),
      })
    const tools = [{ name: 'Read', input_schema: { type: 'object' } }]
    const messages = [{ role: 'user', content: 'hi' }]

    const main = await post('/v1/messages', { model: 'claude-x', max_tokens: 10, messages, tools })
    expect(main.status).toBe(200)
    expect(await main.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      stop_reason: 'tool_use',
      content: [
        {
          type: 'tool_use',
          id: expect.stringMatching(/^toolu_01[0-9A-Za-z]{22}$/),
          name: 'Read',
          input: { file_path: '/etc/hostname' },
        },
      ],
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    })

    const side = await post('/v1/messages', { model: 'claude-x', max_tokens: 10, messages })
    expect(await side.json()).toMatchObject({
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'A title' }],
    })

    const exhausted = await post('/v1/messages', { model: 'claude-x', messages, tools })
    expect(await exhausted.json()).toMatchObject({ content: [{ type: 'text', text: 'Done.' }] })

    const count = await post('/v1/messages/count_tokens', { model: 'claude-x', messages })
    expect(await count.json()).toEqual({ input_tokens: expect.any(Number) })

    const unknown = await fetch(`${fake.url}/v1/models`)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    })

    expect(fake.mainRequests).toHaveLength(2)
    expect(fake.requests).toHaveLength(5)
    expect(fake.requests[0]!.rawBody).toBe(
      JSON.stringify({ model: 'claude-x', max_tokens: 10, messages, tools }),
    )
  })

  it('answers every message request with the configured error', async () => {
    const fake = await fakeModel({
      mode: { status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' },
    })
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ messages: [], tools: [{ name: 'Bash' }] }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    })
    expect(fake.mainRequests).toHaveLength(1)
  })
})

describe('the fake GitHub API with @actions/github', () => {
  it('creates, lists across pages and updates comments', async () => {
    const seedComments = Array.from({ length: 150 }, (_, index) => ({ body: `comment ${index}` }))
    const fake = await fakeGitHub({ seedComments })
    const octokit = getOctokit(GITHUB_TOKEN, { baseUrl: fake.url })
    const issue = { owner: OWNER, repo: REPO, issue_number: 1 }

    const created = await octokit.rest.issues.createComment({ ...issue, body: '<!-- airlock -->' })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({
      body: '<!-- airlock -->',
      user: { login: 'github-actions[bot]', type: 'Bot' },
      html_url: `https://github.com/${DEFAULT_REPOSITORY}/pull/1#issuecomment-${created.data.id}`,
    })

    const firstPage = await octokit.rest.issues.listComments(issue)
    expect(firstPage.data).toHaveLength(30)
    expect(firstPage.headers.link).toContain('rel="next"')

    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      ...issue,
      per_page: 100,
    })
    expect(all).toHaveLength(151)
    expect(all.at(-1)!.id).toBe(created.data.id)
    const pages = fake.requests.filter((request) => request.method === 'GET')
    expect(pages.map((request) => request.query.page)).toEqual([undefined, undefined, '2'])

    const updated = await octokit.rest.issues.updateComment({
      owner: OWNER,
      repo: REPO,
      comment_id: created.data.id,
      body: '<!-- airlock --> updated',
    })
    expect(updated.data.body).toBe('<!-- airlock --> updated')
    expect(fake.comments).toHaveLength(151)
    expect(fake.comments.at(-1)!.body).toBe('<!-- airlock --> updated')

    for (const request of fake.requests) {
      expect(request.headers.authorization).toBe(`token ${GITHUB_TOKEN}`)
    }
    expect(fake.requests.find((request) => request.method === 'PATCH')!.body).toEqual({
      body: '<!-- airlock --> updated',
    })
  })

  it('answers writes with a read-only token with 403 and the accepted permissions', async () => {
    const fake = await fakeGitHub({ readOnly: true })
    const octokit = getOctokit(GITHUB_TOKEN, { baseUrl: fake.url })

    const write = octokit.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
      body: 'hello',
    })
    await expect(write).rejects.toMatchObject({
      name: 'HttpError',
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
      response: {
        headers: expect.objectContaining({
          'x-accepted-github-permissions': 'issues=write; pull_requests=write',
        }),
      },
    })
    expect(fake.comments).toEqual([])
    // Reads still work.
    const list = await octokit.rest.issues.listComments({
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
    })
    expect(list.data).toEqual([])
  })

  it('fails the first matching requests, and rate-limits once, when told to', async () => {
    const fake = await fakeGitHub({ failTimes: { POST: 2 }, rateLimitOnce: 'PATCH' })
    const octokit = getOctokit(GITHUB_TOKEN, { baseUrl: fake.url })
    const create = () =>
      octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'x' })

    await expect(create()).rejects.toMatchObject({ status: 502 })
    await expect(create()).rejects.toMatchObject({ status: 502 })
    const created = await create()
    expect(created.status).toBe(201)

    const update = () =>
      octokit.rest.issues.updateComment({
        owner: OWNER,
        repo: REPO,
        comment_id: created.data.id,
        body: 'y',
      })
    await expect(update()).rejects.toMatchObject({
      status: 403,
      response: {
        headers: expect.objectContaining({ 'x-ratelimit-remaining': '0', 'retry-after': '1' }),
      },
    })
    expect((await update()).data.body).toBe('y')
  })

  it('serves the pull request, collaborator permissions and the repository', async () => {
    const fake = await fakeGitHub({
      pulls: [{ number: 7, headRef: 'fix', headRepo: 'someone/fork' }],
      permissions: { maintainer: 'maintain', outsider: 'none' },
    })
    const octokit = getOctokit(GITHUB_TOKEN, { baseUrl: fake.url })
    const repo = { owner: OWNER, repo: REPO }

    const pull = await octokit.rest.pulls.get({ ...repo, pull_number: 7 })
    expect(pull.data).toMatchObject({
      number: 7,
      head: { ref: 'fix', sha: DEFAULT_HEAD_SHA, repo: { full_name: 'someone/fork' } },
      base: { ref: 'main', repo: { full_name: DEFAULT_REPOSITORY } },
    })
    await expect(octokit.rest.pulls.get({ ...repo, pull_number: 8 })).rejects.toMatchObject({
      status: 404,
    })

    const level = (username: string) =>
      octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username })
    expect((await level('maintainer')).data).toMatchObject({
      permission: 'write',
      role_name: 'maintain',
      user: { login: 'maintainer' },
    })
    expect((await level('outsider')).data.permission).toBe('none')
    expect((await level('anybody')).data.permission).toBe('read')

    expect((await octokit.rest.repos.get(repo)).data.full_name).toBe(DEFAULT_REPOSITORY)
    await expect(octokit.rest.repos.get({ owner: 'other', repo: 'repo' })).rejects.toMatchObject({
      status: 404,
    })
  })

  it('requires a token, answers in JSON, and refuses comments over 65536 characters', async () => {
    const fake = await fakeGitHub({})
    const anonymous = await fetch(`${fake.url}/repos/${DEFAULT_REPOSITORY}`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await anonymous.json()).toMatchObject({ message: 'Requires authentication' })

    const unknown = await fetch(`${fake.url}/user`, {
      headers: { authorization: `Bearer ${GITHUB_TOKEN}` },
    })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ message: 'Not Found' })

    const octokit = getOctokit(GITHUB_TOKEN, { baseUrl: fake.url })
    await expect(
      octokit.rest.issues.createComment({
        owner: OWNER,
        repo: REPO,
        issue_number: 1,
        body: 'x'.repeat(65_537),
      }),
    ).rejects.toMatchObject({ status: 422 })
    expect(fake.comments).toEqual([])
  })
})

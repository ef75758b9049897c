// Runs the bundled action the way the GitHub runner does: `node dist/main/index.js`, then
// `node dist/post/index.js` with the state main saved as `STATE_*`, inputs as `INPUT_*` (hyphens
// kept), the file commands in a fresh RUNNER_TEMP, an event payload, and GITHUB_API_URL pointing
// at a fake. Plain ESM so the end-to-end tests and the demo share it.

import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import YAML from 'yaml'

/** The repository root (where dist/ is). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The real CLI, pinned as a devDependency. */
export const CLAUDE = path.join(ROOT, 'node_modules', '.bin', 'claude')
/** Where the lock lives; it must look the same before and after every run. */
export const MANAGED_DIR = '/etc/claude-code'

/**
 * A throwaway git repository with one commit.
 *
 * @param {Record<string, string>} [files] Extra files (path → content) in the first commit.
 * @returns {string} The repository's path.
 */
export function makeRepo(files = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-e2e-repo-'))
  /** @param {string[]} args */
  const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' })
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'Test')
  git('config', 'user.email', 'test@example.com')
  const all = { 'README.md': '# demo\n', 'src/app.js': 'console.log(1)\n', ...files }
  for (const [name, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), content)
  }
  git('add', '-A')
  git('commit', '-q', '-m', 'initial')
  return dir
}

/**
 * Parses the runner's file-command format (`key<<delimiter`, value lines, `delimiter`; or
 * `key=value`).
 *
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseFileCommand(text) {
  /** @type {Record<string, string>} */
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const key = heredoc[1] ?? ''
      const delimiter = heredoc[2] ?? ''
      const value = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      out[key] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      out[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return out
}

/**
 * Starts `node <script>`, as a child of `<runnerRoot>/bin/Runner.Worker` when a runner
 * installation is emulated (a copy of bash under the worker's name, which forks node and waits,
 * so that node's parent process is the "worker", as on a real runner).
 *
 * @param {string} script
 * @param {Record<string, string>} env
 * @param {string} cwd
 * @param {string} [runnerRoot]
 */
function spawnNode(script, env, cwd, runnerRoot) {
  if (runnerRoot === undefined)
    return spawn(process.execPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  return spawn(
    path.join(runnerRoot, 'bin', 'Runner.Worker'),
    ['-c', '"$@"; exit $?', 'Runner.Worker', process.execPath, script],
    { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  )
}

/**
 * Emulates a self-hosted runner's installation folder: `bin/Runner.Worker` (a copy of bash) and
 * the private files a real one has, each holding the given content.
 *
 * @param {string} root
 * @param {Record<string, string>} files Name under the root (e.g. `.credentials`, `_diag/Worker_1.log`) → content.
 */
export function makeRunnerInstall(root, files) {
  mkdirSync(path.join(root, 'bin'), { recursive: true })
  copyFileSync('/bin/bash', path.join(root, 'bin', 'Runner.Worker'))
  chmodSync(path.join(root, 'bin', 'Runner.Worker'), 0o755)
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
    writeFileSync(path.join(root, name), content)
  }
}

/**
 * @param {string} script
 * @param {Record<string, string>} env
 * @param {string} cwd
 * @param {string} [runnerRoot]
 * @returns {Promise<{ exitCode: number | null, stdout: string, stderr: string }>}
 */
function runNode(script, env, cwd, runnerRoot) {
  return new Promise((resolve) => {
    const child = spawnNode(script, env, cwd, runnerRoot)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (/** @type {string} */ d) => (stderr += d))
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }))
  })
}

/**
 * @typedef {object} RunOptions
 * @property {string} repo The workspace.
 * @property {Record<string, string>} inputs Input name → value.
 * @property {Record<string, string>} [env] More variables for the action's process.
 * @property {string} [eventName] Defaults to `pull_request`.
 * @property {unknown} [event] The event payload; defaults to PR #1.
 * @property {string} [githubApiUrl]
 * @property {boolean} [skipPost] Do not run the post step.
 * @property {string} [runnerRoot] Start main and post as children of this emulated runner
 *   installation's `bin/Runner.Worker` (see makeRunnerInstall).
 * @property {(step: { runnerTemp: string, files: Record<string, string> }) => void} [beforeMain]
 *   Called once RUNNER_TEMP and the file-command files exist, before main starts (to plant files
 *   there, or to learn their paths).
 */

/**
 * @typedef {object} ActionRun
 * @property {number | null} exitCode
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} outputs
 * @property {Record<string, string>} state
 * @property {string} summary
 * @property {{ exitCode: number | null, stdout: string, stderr: string }} post
 * @property {string} runnerTemp
 * @property {string} everything Everything printed or written (log, summary, outputs, report and
 *   transcript files), less the `::add-mask::` lines the runner consumes, for leak scans.
 */

/**
 * The inputs action.yml declares, each with the value the runner gives it when the workflow sets
 * none: its default, with `${{ github.token }}` as empty and `${{ toJSON(matrix) }}` as `null`.
 *
 * @returns {Record<string, string>}
 */
export function actionDefaults() {
  const actionYml = readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
  /** @type {{ inputs: Record<string, { default?: unknown }> }} */
  const action = YAML.parse(actionYml)
  /** @type {Record<string, string>} */
  const defaults = {}
  for (const [name, input] of Object.entries(action.inputs)) {
    const value = input.default === undefined ? '' : String(input.default)
    defaults[name] = value
      .replace('${{ github.token }}', '')
      .replace('${{ toJSON(matrix) }}', 'null')
  }
  return defaults
}

/**
 * The runner's side of one step: its file commands, environment and event, ready to start
 * main and post.
 *
 * @param {RunOptions} options
 */
export function prepareStep(options) {
  const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'airlock-e2e-runner-'))
  const commands = path.join(runnerTemp, '_runner_file_commands')
  mkdirSync(commands)
  const files = {
    GITHUB_OUTPUT: path.join(commands, 'set_output'),
    GITHUB_STATE: path.join(commands, 'save_state'),
    GITHUB_STEP_SUMMARY: path.join(commands, 'step_summary'),
    GITHUB_ENV: path.join(commands, 'set_env'),
    GITHUB_PATH: path.join(commands, 'add_path'),
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const eventPath = path.join(runnerTemp, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify(options.event ?? { pull_request: { number: 1 }, number: 1 }),
  )
  /** @type {Record<string, string>} */
  const inputs = {}
  // As the runner does: every input declared in action.yml is set, with its default when the
  // workflow gives none (expressions as a runner without a token or matrix evaluates them).
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...options.inputs }))
    inputs[`INPUT_${name.toUpperCase()}`] = value
  /** @type {Record<string, string>} */
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.repo,
    GITHUB_REPOSITORY: 'airlock-test/demo',
    GITHUB_REPOSITORY_OWNER: 'airlock-test',
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.githubApiUrl ?? 'http://127.0.0.1:9',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKFLOW: 'agent',
    GITHUB_JOB: 'airlock',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/pull/1/merge',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_TOOL_CACHE: path.join(runnerTemp, 'toolcache'),
    // The fake model never needs retries; keep a failing run short.
    AIRLOCK_MODEL_MAX_RETRIES: '0',
    ...files,
    ...inputs,
    ...(options.env ?? {}),
  }
  return {
    runnerTemp,
    files,
    env,
    /** Starts `node dist/main/index.js`; the caller may end it early, as a cancel would. */
    startMain: () =>
      spawnNode(path.join(ROOT, 'dist', 'main', 'index.js'), env, options.repo, options.runnerRoot),
    /** Runs main to the end. */
    main: () =>
      runNode(path.join(ROOT, 'dist', 'main', 'index.js'), env, options.repo, options.runnerRoot),
    /** The state main saved so far, as the runner passes it to post. */
    state: () => parseFileCommand(readFileSync(files.GITHUB_STATE, 'utf8')),
    /** Runs `node dist/post/index.js` with `STATE_*` from what main saved. */
    post: () => {
      /** @type {Record<string, string>} */
      const postEnv = { ...env }
      for (const [key, value] of Object.entries(
        parseFileCommand(readFileSync(files.GITHUB_STATE, 'utf8')),
      )) {
        postEnv[`STATE_${key}`] = value
      }
      return runNode(
        path.join(ROOT, 'dist', 'post', 'index.js'),
        postEnv,
        options.repo,
        options.runnerRoot,
      )
    },
  }
}

/**
 * Runs main, then post, as the runner would.
 *
 * @param {RunOptions} options
 * @returns {Promise<ActionRun>}
 */
export async function runAction(options) {
  const step = prepareStep(options)
  options.beforeMain?.(step)
  const main = await step.main()
  const state = step.state()
  /** @type {{ exitCode: number | null, stdout: string, stderr: string }} */
  let post = { exitCode: 0, stdout: '', stderr: '' }
  if (options.skipPost !== true) post = await step.post()
  const outputs = parseFileCommand(readFileSync(step.files.GITHUB_OUTPUT, 'utf8'))
  const summary = readFileSync(step.files.GITHUB_STEP_SUMMARY, 'utf8')
  // Not patch-file: it is the agent's change itself, byte for byte (a secret the agent committed is
  // in it by definition, and the audit reports it).
  const outputFiles = ['report-file', 'transcript-file']
    .map((key) => outputs[key])
    .filter((f) => f !== undefined && f !== '' && existsSync(f))
    .map((f) => readFileSync(/** @type {string} */ (f), 'utf8'))
  const everything = [
    main.stdout,
    main.stderr,
    post.stdout,
    post.stderr,
    summary,
    JSON.stringify(outputs),
    ...outputFiles,
  ]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return {
    exitCode: main.exitCode,
    stdout: main.stdout,
    stderr: main.stderr,
    outputs,
    state,
    summary,
    post,
    runnerTemp: step.runnerTemp,
    everything,
  }
}

/**
 * A fingerprint of the machine-wide things the action touches (the managed settings folder, the
 * repository's git config and hooks), to prove a run left them as it found them.
 *
 * @param {string} repo
 * @returns {string}
 */
export function machineFingerprint(repo) {
  const hash = createHash('sha256')
  /** @param {string} p */
  const add = (p) => {
    if (!existsSync(p)) {
      hash.update(`${p}:absent\n`)
      return
    }
    const stat = statSync(p)
    hash.update(`${p}:${stat.mode}:${stat.uid}\n`)
    if (stat.isDirectory()) for (const entry of readdirSync(p).sort()) add(path.join(p, entry))
    else hash.update(readFileSync(p))
  }
  add(MANAGED_DIR)
  add(path.join(repo, '.git', 'config'))
  add(path.join(repo, '.git', 'hooks'))
  return hash.digest('hex')
}

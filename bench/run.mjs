// `npm run bench`: how long Airlock takes to reach the agent, how the audit and the report scale
// with the size of the agent's change, how much memory they use, how long the comment gets, and
// how large the bundles are. Prints one markdown table to stdout (progress goes to stderr).
// What each number means: bench/README.md.
//
// The audit and report run from `src/` compiled into a temporary folder (dist/ bundles only the
// entry points); the start-up runs the bundled action (`dist/main/index.js`) as the runner does.
// Everything is written under os.tmpdir() and removed at the end, except /etc/claude-code, which
// the action itself writes and restores: the script checks that it is left exactly as it was.
//
//   npm run bench                   all measurements (about 2½ minutes on 2 cores)
//   BENCH_RUNS=1 npm run bench      one run of each (a smoke test)
//   npm run bench -- audit          only some parts: startup, audit, install, bundles

import { ChildProcess, execFileSync, spawn } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SELF = fileURLToPath(import.meta.url)
const COMMENT_LIMIT = 65_536
const MANAGED_DIR = '/etc/claude-code'
const BUNDLES = ['main', 'post', 'hook']
/** Values the report's redactor knows, as in a real run (the model key and the GitHub token). */
const API_KEY = `sk-ant-api03-${'benchKEY0123456789'.repeat(5)}AA`
const GITHUB_TOKEN = 'ghs_benchGithubToken0123456789abcdefXYZ'
/** A token-shaped value the "agent" writes into one file, so the report has a violation. */
const PLANTED = `ghp_${'Bench0Token1'.repeat(3)}`

/**
 * One synthetic change.
 *
 * @typedef {object} Case
 * @property {string} name
 * @property {number} files Files changed; the repository holds `max(1,000, files)`.
 * @property {number} [bigMiB] Instead: one new text file of this size.
 * @property {number} runs
 */

/** @type {Case[]} */
const CASES = [
  { name: '10 files', files: 10, runs: 5 },
  { name: '1,000 files', files: 1_000, runs: 5 },
  { name: '10,000 files', files: 10_000, runs: 5 },
  { name: '200 MB file', files: 1, bigMiB: 200, runs: 3 },
]
const STARTUP_RUNS = 5

// ---------------------------------------------------------------------------------------------
// Orchestration

async function main() {
  const runsOverride = Number(process.env.BENCH_RUNS ?? '')
  /** @param {number} n */
  const runs = (n) => (Number.isInteger(runsOverride) && runsOverride > 0 ? runsOverride : n)
  const parts = process.argv.slice(2)
  /** @param {string} part */
  const want = (part) => parts.length === 0 || parts.includes(part)
  const missing = BUNDLES.filter((b) => !existsSync(path.join(ROOT, 'dist', b, 'index.js')))
  if ((want('startup') || want('bundles')) && missing.length > 0) {
    fail(`dist/ is missing ${missing.join(', ')}: run \`npm run bundle\` first.`)
    return
  }
  const started = performance.now()
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-bench-'))
  /** @type {Row[]} */
  const rows = []
  try {
    if (want('startup')) rows.push(...(await startup(tmp, runs(STARTUP_RUNS))))
    if (want('audit')) {
      const build = compile(tmp)
      for (const c of CASES) rows.push(...(await auditCase(tmp, build, c, runs(c.runs))))
    }
    if (want('install')) rows.push(...(await installRows(tmp, runs)))
    if (want('bundles')) rows.push(...bundleRows())
  } catch (error) {
    fail(
      error instanceof BenchError
        ? error.message
        : String(error instanceof Error ? (error.stack ?? error) : error),
    )
    return
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, ${gitVersion()}`
  process.stdout.write(`${renderTable(rows, machine)}\n`)
  progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

/**
 * Compiles src/ into `tmp/build`, where bare imports (picomatch) resolve to our node_modules.
 *
 * @param {string} tmp
 * @returns {string} The build folder.
 */
function compile(tmp) {
  progress('compiling src/ with tsc …')
  const build = path.join(tmp, 'build')
  execFileSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.build.json', '--outDir', build], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n')
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir')
  return build
}

// ---------------------------------------------------------------------------------------------
// 1. Start-up to agent spawn

/**
 * Runs the bundled action with `claude-path` pointing at a stub that writes the time it started
 * and exits. Measures from just before `node dist/main/index.js` is spawned to the stub's
 * timestamp; the phases come from when each log line reached us.
 *
 * @param {string} tmp
 * @param {number} runs
 * @returns {Promise<Row[]>}
 */
async function startup(tmp, runs) {
  /** @type {typeof import('../__tests__/fakes/action-runner.mjs')} */
  const runner = await import(
    pathToFileURL(path.join(ROOT, '__tests__/fakes/action-runner.mjs')).href
  )
  const busy = await waitForOtherRuns()
  if (busy !== null) {
    progress(`start-up not measured: ${busy}`)
    return [row('Start-up to agent spawn', 'ms', [], `not measured: ${busy}`)]
  }
  const stamp = path.join(tmp, 'spawned-at')
  const stub = path.join(tmp, 'claude-stub')
  // A shell script, not node: `date` starts in a few ms, so the stamp is the moment of the spawn.
  writeFileSync(stub, `#!/bin/sh\ndate +%s%3N > '${stamp}'\nexit 0\n`, { mode: 0o755 })

  const nodeAlone = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    execFileSync(process.execPath, ['-e', '0'])
    nodeAlone.push(performance.now() - t)
  }

  /** @type {Record<string, number[]>} */
  const phases = {}
  const totals = []
  let refused = ''
  for (let i = 0; i < runs; i++) {
    progress(`start-up run ${i + 1}/${runs} …`)
    const repo = runner.makeRepo()
    const before = runner.machineFingerprint(repo)
    rmSync(stamp, { force: true })
    const step = runner.prepareStep({
      repo,
      inputs: {
        prompt: 'Benchmark: exit at once.',
        'anthropic-api-key': API_KEY,
        'github-token': '',
        'claude-path': stub,
        comment: 'never',
      },
    })
    const t0 = Date.now()
    const action = step.startMain()
    /** @type {Array<[number, string]>} */
    const lines = []
    let pending = ''
    action.stdout.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
      const at = Date.now() - t0
      const parts = (pending + chunk).split('\n')
      pending = parts.pop() ?? ''
      for (const line of parts) lines.push([at, line])
    })
    action.stderr.resume()
    const [code] = await once(action, 'close')
    const after = runner.machineFingerprint(repo)
    rmSync(repo, { recursive: true, force: true })
    rmSync(step.runnerTemp, { recursive: true, force: true })
    if (after !== before) {
      stop(
        `${MANAGED_DIR} (or the test repository's git config) is not as it was before start-up run ${i + 1}; inspect it now. Exit code of the action: ${code}.`,
      )
    }
    if (!existsSync(stamp)) {
      const why = lines.find(([, l]) => l.startsWith('::error::'))?.[1] ?? 'no error printed'
      refused = why.replace(/^::error::/, '')
      break
    }
    const spawnedAt = Number(readFileSync(stamp, 'utf8').trim()) - t0
    totals.push(spawnedAt)
    for (const [name, ms] of Object.entries(startupPhases(lines, spawnedAt))) {
      ;(phases[name] ??= []).push(ms)
    }
  }
  if (totals.length === 0) {
    return [row('Start-up to agent spawn', 'ms', [], `not reached: ${refused}`)]
  }
  return [
    row('Start-up to agent spawn', 'ms', totals, 'node start → stub CLI started'),
    ...Object.entries(phases).map(([name, values]) =>
      row(`  ↳ ${name}`, 'ms', values, STARTUP_NOTES[name] ?? ''),
    ),
    row('  (for scale: `node -e 0`)', 'ms', nodeAlone, 'bare Node start-up'),
  ]
}

/** @type {Record<string, string>} */
const STARTUP_NOTES = {
  'load bundle + read inputs': 'to the first log line',
  guard: 'container/VM evidence',
  strip: 'environment + git credentials',
  'lock: sandbox probe': 'bwrap + socat probe',
  'lock: managed settings': 'build, validate, install',
  'baseline snapshot': 'audit store of the (2-file) workspace',
  'spawn CLI': 'spawn to stub start',
}

/**
 * Splits the start-up by the log lines that open and close each stage.
 *
 * @param {Array<[number, string]>} lines Each log line with when it arrived (ms after the start).
 * @param {number} spawnedAt
 * @returns {Record<string, number>} Phase → ms; empty when a line is missing.
 */
function startupPhases(lines, spawnedAt) {
  /** @param {(line: string) => boolean} test */
  const at = (test, from = 0) => {
    const found = lines.slice(from).find(([, l]) => test(l))
    return found === undefined ? null : found[0]
  }
  /** @param {(line: string) => boolean} test */
  const index = (test) => lines.findIndex(([, l]) => test(l))
  const first = lines[0]?.[0] ?? null
  const guardEnd = at(
    (l) => l === '::endgroup::',
    index((l) => l.startsWith('::group::Guard')),
  )
  const stripEnd = at((l) => l.startsWith('Strip: ') && l.includes('git credentials'))
  const lockStart = at((l) => l.startsWith('::group::Lock'))
  const sandbox = at((l) => l.startsWith('Sandbox: '))
  const lockEnd = at(
    (l) => l === '::endgroup::',
    index((l) => l.startsWith('::group::Lock')),
  )
  const run = at((l) => l.startsWith('::group::Run'))
  const marks = [first, guardEnd, stripEnd, lockStart, sandbox, lockEnd, run]
  if (marks.some((m) => m === null)) return {}
  const [a, b, c, d, e, f, g] =
    /** @type {[number, number, number, number, number, number, number]} */ (marks)
  return {
    'load bundle + read inputs': a,
    guard: b - a,
    strip: c - b,
    'lock: sandbox probe': e - d,
    'lock: managed settings': f - e + (d - c),
    'baseline snapshot': g - f,
    'spawn CLI': spawnedAt - g,
  }
}

/**
 * Waits (up to two minutes) while another run of the action or the end-to-end suite is going:
 * they write the same /etc/claude-code, and the suite rebuilds dist/. Returns why it gave up, or
 * `null` when the machine is free.
 */
async function waitForOtherRuns() {
  const deadline = Date.now() + 120_000
  let told = false
  for (;;) {
    const busy = otherActionRuns()
    if (busy.length === 0) return null
    if (Date.now() > deadline) {
      return `another run of the action or the end-to-end suite kept going (pid ${busy.join(', ')}), and it shares ${MANAGED_DIR}`
    }
    if (!told)
      progress(`waiting for pid ${busy.join(', ')} (a run of the action or the e2e suite) …`)
    told = true
    await new Promise((resolve) => setTimeout(resolve, 5_000))
  }
}

/**
 * Pids of other runs of the action (this checkout's or any other's) and of Vitest runs that may
 * include the end-to-end project: all but those limited to `--project unit` or to unit test files.
 */
function otherActionRuns() {
  const pids = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      // `flock <lock> npx vitest …` waiting for the machine lock has not started anything yet
      // (once it holds the lock, its child is found by itself): counting it would make a bench
      // that holds the lock wait for runs queued behind it.
      if (path.basename(cmdline[0] ?? '') === 'flock') continue
      const action = cmdline.some((arg) => arg.endsWith('dist/main/index.js'))
      const at = cmdline.findIndex((arg) => /(^|\/)vitest(\.m?js)?$/.test(arg))
      const args = cmdline.slice(at + 1)
      const unitOnly =
        args.some((arg) => arg === 'unit' || arg === '--project=unit') ||
        (args.some((arg) => arg.includes('__tests__/')) && !args.some((a) => a.includes('e2e')))
      if (action || (at !== -1 && !unitOnly)) pids.push(Number(entry))
    } catch {
      // Gone.
    }
  }
  return pids
}

// ---------------------------------------------------------------------------------------------
// 2–4. Audit and report

/**
 * One size of change, `runs` times: a fresh committed repository; the snapshot (child 1); the
 * agent's change; the floors (git status + diff, then the same with new files' content read);
 * collect (which writes the patch file) and report (child 2).
 *
 * @param {string} tmp
 * @param {string} build The compiled src/.
 * @param {Case} c
 * @param {number} runs
 * @returns {Promise<Row[]>}
 */
async function auditCase(tmp, build, c, runs) {
  /** @type {Record<string, number[]>} */
  const m = {}
  /**
   * @param {string} key
   * @param {number} value
   */
  const add = (key, value) => (m[key] ??= []).push(value)
  let changed = 0
  let violations = 0
  for (let i = 0; i < runs; i++) {
    progress(`${c.name}: run ${i + 1}/${runs} …`)
    const dir = mkdtempSync(path.join(tmp, 'case-'))
    const repo = path.join(dir, 'repo')
    const privateDir = path.join(dir, 'private')
    mkdirSync(privateDir)
    makeBaseRepo(repo, Math.max(1_000, c.files))

    /** @type {Job} */
    const job = { build, repo, privateDir, snapshotFile: path.join(dir, 'snapshot.json') }
    const jobFile = path.join(dir, 'job.json')
    writeFileSync(jobFile, JSON.stringify(job))
    const snap = await runChild('snapshot', jobFile, dir)
    await agentChange(repo, c)
    const floorMs = floor(repo)
    add('floor', floorMs)
    const floorContentMs = floorWithContent(repo, dir)
    add('floorContent', floorContentMs)
    const col = await runChild('collect', jobFile, dir)

    add('snapshot', snap.snapshotMs)
    add('collect', col.collectMs)
    add('render', col.renderMs)
    add('redact', col.redactMs)
    add('report', col.renderMs + col.redactMs)
    const total = snap.snapshotMs + col.collectMs + col.renderMs + col.redactMs
    add('total', total)
    add('gitSnapshot', snap.gitProcesses)
    add('gitCollect', col.gitProcesses)
    add('rssNode', Math.max(snap.maxRssKiB, col.maxRssKiB) / 1024)
    if (snap.treeRssKiB !== null && col.treeRssKiB !== null) {
      add('rssTree', Math.max(snap.treeRssKiB, col.treeRssKiB) / 1024)
    }
    if (snap.sumRssKiB !== null && col.sumRssKiB !== null) {
      add('rssSum', Math.max(snap.sumRssKiB, col.sumRssKiB) / 1024)
    }
    add('chars', col.commentChars)
    add('bytes', col.commentBytes)
    const after = col.collectMs + col.renderMs + col.redactMs
    add('after', after)
    add('ratioAfter', after / floorMs)
    add('ratioAfterContent', after / floorContentMs)
    add('ratioTotal', total / floorMs)
    changed = col.files
    violations = col.violations
    rmSync(dir, { recursive: true, force: true })
  }
  const p = c.name
  /** @param {string} key */
  const within = (key) =>
    Math.max(...(m[key] ?? [])) <= COMMENT_LIMIT ? `≤ 65,536 ✓` : `**over ${COMMENT_LIMIT}** ✗`
  const what =
    c.bigMiB !== undefined
      ? `1 new ${c.bigMiB} MiB text file in a 1,000-file repo`
      : `${changed.toLocaleString('en-US')} changed (½ modified, ½ new) in a ${Math.max(1_000, c.files).toLocaleString('en-US')}-file repo`
  return [
    row(`${p}: snapshot (before the agent)`, 'ms', m.snapshot, what),
    row(
      `${p}: collect (after the agent)`,
      'ms',
      m.collect,
      `${violations} violation(s) found; patch file written`,
    ),
    row(`${p}: report + render`, 'ms', m.report, 'comment, summary, redacted outputs'),
    row(`${p}: ↳ render`, 'ms', m.render, '`renderReport` ×2, `summaryLine`'),
    row(`${p}: ↳ redact`, 'ms', m.redact, '`Redactor.redact` of each output'),
    row(
      `${p}: audit + report`,
      'ms',
      m.after,
      'collect + report: all Airlock does after the agent',
    ),
    row(`${p}: with the snapshot`, 'ms', m.total, 'snapshot + collect + report'),
    row(`${p}: git processes`, 'n', m.gitSnapshot, 'started by the snapshot'),
    row(`${p}: git processes`, 'n', m.gitCollect, 'started by collect'),
    row(`${p}: floor`, 'ms', m.floor, '`git diff --numstat` + `git status --porcelain -z`'),
    row(
      `${p}: **audit + report ÷ floor**`,
      '×',
      m.ratioAfter,
      c.bigMiB !== undefined
        ? 'the floor never reads an untracked file'
        : 'the figure the targets are about (same repository state)',
    ),
    row(
      `${p}: with the snapshot ÷ floor`,
      '×',
      m.ratioTotal,
      'the snapshot runs before the agent (and is in the start-up row)',
    ),
    row(
      `${p}: floor with new files read`,
      'ms',
      m.floorContent,
      '`add -N` (index copy) + `diff --numstat` + `status`',
    ),
    row(`${p}: audit + report ÷ that floor`, '×', m.ratioAfterContent, 'see bench/README.md'),
    row(`${p}: peak RSS, node`, 'MiB', m.rssNode, 'maxRSS of the audit process'),
    ...(m.rssTree !== undefined
      ? [row(`${p}: peak RSS, node or git`, 'MiB', m.rssTree, 'largest process (`time -v`)')]
      : []),
    ...(m.rssSum !== undefined
      ? [
          row(
            `${p}: peak RSS, node + git`,
            'MiB',
            m.rssSum,
            'all processes at once, sampled every 10 ms',
          ),
        ]
      : []),
    row(`${p}: comment size`, 'chars', m.chars, within('chars')),
    row(`${p}: comment size`, 'bytes', m.bytes, within('bytes')),
  ]
}

/**
 * `count` committed text files, dated an hour back so that none is "racily clean", with their
 * blobs in a pack as after a clone. Set-up only: its git calls get a larger malloc top pad, which
 * makes them several times faster on VMs where growing the heap is slow (see README); the
 * measured git calls (the audit's and the floor's) do not.
 *
 * @param {string} repo
 * @param {number} count
 */
function makeBaseRepo(repo, count) {
  mkdirSync(repo, { recursive: true })
  /** @param {string[]} args */
  const setup = (...args) => git(repo, { MALLOC_TOP_PAD_: String(16 << 20) }, ...args)
  setup('init', '--quiet', '--initial-branch=main')
  const old = new Date(Date.now() - 3_600_000)
  for (let i = 0; i < count; i++) {
    const file = path.join(repo, baseName(i))
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, sourceText(i, 12))
    utimesSync(file, old, old)
  }
  setup('-c', 'core.bigFileThreshold=1', 'add', '--all')
  setup('commit', '--quiet', '--message=base')
}

/** @param {number} i */
function baseName(i) {
  return `src/pkg-${i % 50}/module-${i}.js`
}

/**
 * @param {number} i
 * @param {number} lines
 */
function sourceText(i, lines) {
  let text = `// module ${i}\n`
  for (let j = 1; j < lines; j++) {
    text += `export function f${i}_${j}(x) { return x * ${j} + ${i} } // generated for the benchmark\n`
  }
  return text
}

/**
 * What the agent does: modify half the files and add as many, or write one big file.
 *
 * @param {string} repo
 * @param {Case} c
 */
async function agentChange(repo, c) {
  if (c.bigMiB !== undefined) {
    mkdirSync(path.join(repo, 'data'), { recursive: true })
    const out = createWriteStream(path.join(repo, 'data', 'big.txt'))
    const line =
      'const row = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; // a generated line of about 100 bytes!!\n'
    const chunk = line.repeat(Math.floor((1 << 20) / line.length))
    let written = 0
    while (written < c.bigMiB * (1 << 20)) {
      if (!out.write(chunk)) await once(out, 'drain')
      written += chunk.length
    }
    out.end()
    await once(out, 'close')
    return
  }
  const modify = Math.floor(c.files / 2)
  for (let i = 0; i < modify; i++) {
    const file = path.join(repo, baseName(i))
    const text = readFileSync(file, 'utf8').replace('// module', '// changed module')
    writeFileSync(file, `${text}export const added${i} = ${i}\nexport const more${i} = 'more'\n`)
  }
  for (let i = 0; i < c.files - modify; i++) {
    const file = path.join(repo, `new/pkg-${i % 50}/feature-${i}.js`)
    mkdirSync(path.dirname(file), { recursive: true })
    const secret = i === 0 ? `export const token = '${PLANTED}'\n` : ''
    writeFileSync(file, sourceText(i, 12) + secret)
  }
}

/**
 * What git alone needs to list the same changes: the floor the ratio is measured against.
 *
 * @param {string} repo
 * @returns {number} ms
 */
function floor(repo) {
  const t = performance.now()
  git(repo, {}, 'diff', '--numstat')
  git(repo, {}, 'status', '--porcelain', '-z', '--untracked-files=all')
  return performance.now() - t
}

/**
 * The floor, plus what git needs to count the lines of the new files too: `git add -N` (intent
 * to add, into a copy of the index, so the repository is not changed) makes `git diff --numstat`
 * read and count every untracked file. The copy is made outside the timing.
 *
 * @param {string} repo
 * @param {string} dir Where the index copy goes.
 * @returns {number} ms
 */
function floorWithContent(repo, dir) {
  const index = path.join(dir, 'floor.index')
  copyFileSync(path.join(repo, '.git', 'index'), index)
  const copy = { GIT_INDEX_FILE: index }
  const t = performance.now()
  git(repo, copy, 'add', '--intent-to-add', '--all')
  git(repo, copy, 'diff', '--numstat')
  git(repo, {}, 'status', '--porcelain', '-z', '--untracked-files=all')
  return performance.now() - t
}

/**
 * @param {string} repo
 * @param {Record<string, string>} extraEnv
 * @param {...string} args
 */
function git(repo, extraEnv, ...args) {
  return execFileSync('git', args, {
    cwd: repo,
    env: {
      ...extraEnv,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: os.tmpdir(),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'Bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
    },
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * What a child writes to its result file (see `child`), plus the peak RSS the parent measured.
 *
 * @typedef {object} PhaseResult
 * @property {number} gitProcesses The git processes the phase started.
 * @property {number} maxRssKiB The child's own peak RSS.
 * @property {number | null} treeRssKiB The largest process's peak RSS (`time -v`), if measured.
 * @property {number | null} sumRssKiB All processes' RSS at once (sampled), if measured.
 */

/** @typedef {PhaseResult & { snapshotMs: number }} SnapshotResult */

/**
 * @typedef {PhaseResult & { collectMs: number, renderMs: number, redactMs: number, files: number,
 *   violations: number, commentChars: number, commentBytes: number }} CollectResult
 */

/**
 * What a child is told: the compiled src/, the repository, the private folder and where the
 * snapshot goes.
 *
 * @typedef {object} Job
 * @property {string} build
 * @property {string} repo
 * @property {string} privateDir
 * @property {string} snapshotFile
 */

/**
 * Runs one phase in a fresh node process (under `time -v` when present, for the tree's RSS).
 *
 * @template {'snapshot' | 'collect'} P
 * @param {P} phase
 * @param {string} jobFile
 * @param {string} dir
 * @returns {Promise<P extends 'snapshot' ? SnapshotResult : CollectResult>}
 */
async function runChild(phase, jobFile, dir) {
  const resultFile = path.join(dir, `${phase}.result.json`)
  const rssFile = path.join(dir, `${phase}.rss`)
  const time = existsSync('/usr/bin/time')
  const [cmd, args] = time
    ? [
        '/usr/bin/time',
        ['-f', '%M', '-o', rssFile, process.execPath, SELF, '--child', phase, jobFile],
      ]
    : [process.execPath, [SELF, '--child', phase, jobFile]]
  const proc = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] })
  let sumRssKiB = canSample() ? 0 : null
  const sampler = setInterval(() => {
    if (sumRssKiB !== null && proc.pid !== undefined) {
      sumRssKiB = Math.max(sumRssKiB, treeRssKiB(proc.pid))
    }
  }, 10)
  const [code] = await once(proc, 'close')
  clearInterval(sampler)
  if (code !== 0) stop(`the ${phase} child failed (exit code ${code}).`)
  const result = JSON.parse(readFileSync(resultFile, 'utf8'))
  result.treeRssKiB = time ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) : null
  result.sumRssKiB = sumRssKiB
  return result
}

/** Whether /proc lists each process's children (Linux with CONFIG_PROC_CHILDREN). */
function canSample() {
  return existsSync(`/proc/${process.pid}/task/${process.pid}/children`)
}

/**
 * The resident memory of a process and all its descendants, summed (0 once it is gone).
 *
 * @param {number} pid
 * @returns {number} KiB
 */
function treeRssKiB(pid) {
  let total = 0
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    total += Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0)
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
      for (const child of children.trim().split(/\s+/).filter(Boolean)) {
        total += treeRssKiB(Number(child))
      }
    }
  } catch {
    // The process ended while being read.
  }
  return total
}

// ---------------------------------------------------------------------------------------------
// The child: one phase of the audit, as src/main.ts runs it, timed from inside.

/**
 * @param {string} phase `snapshot` or `collect`.
 * @param {string} jobFile A {@link Job} as JSON.
 */
async function child(phase, jobFile) {
  /** @type {Job} */
  const job = JSON.parse(readFileSync(jobFile, 'utf8'))
  // Count the git processes the audit starts (spawn() goes through ChildProcess#spawn, which
  // @types/node does not declare: it is Node's internal method).
  let gitProcesses = 0
  const proto = /** @type {ChildProcess & { spawn(options?: { file?: string }): unknown }} */ (
    ChildProcess.prototype
  )
  const spawnProcess = proto.spawn
  proto.spawn = function (options) {
    if (options?.file === 'git') gitProcesses += 1
    return spawnProcess.call(this, options)
  }
  // `any`: the module is compiled into a folder known only at run time; tsc checks src/ itself.
  /** @type {(name: string) => Promise<any>} */
  const load = (name) => import(pathToFileURL(path.join(job.build, name)).href)
  const audit = await load('audit/index.js')
  const result = {}
  if (phase === 'snapshot') {
    const snapshotDir = path.join(job.privateDir, 'snapshot')
    mkdirSync(snapshotDir, { recursive: true })
    const t = performance.now()
    const baseline = await audit.snapshotWorktree(job.repo, snapshotDir)
    result.snapshotMs = performance.now() - t
    writeFileSync(job.snapshotFile, JSON.stringify(baseline))
  } else {
    const { resolveProtectedPaths } = await load('audit/index.js')
    const { Redactor, secretScanner } = await load('secrets/index.js')
    const report = await load('report/index.js')
    const { stickyMarker } = report
    const baseline = JSON.parse(readFileSync(job.snapshotFile, 'utf8'))
    const auditDir = path.join(job.privateDir, 'audit')
    mkdirSync(auditDir, { recursive: true })

    let t = performance.now()
    const record = await audit.collectChanges(job.repo, auditDir, baseline, {
      protectedPaths: resolveProtectedPaths([]),
      workspace: job.repo,
      scanAdded: secretScanner([API_KEY, GITHUB_TOKEN]),
      patchFile: path.join(job.privateDir, 'agent.patch'),
    })
    result.collectMs = performance.now() - t

    // As report() in src/main.ts: the comment, the log line, the job summary, report.json and
    // the changed-files and violations outputs, each redacted.
    const redactor = new Redactor([API_KEY, GITHUB_TOKEN])
    const verdict = report.conclusionFor({
      refused: false,
      agentFailed: false,
      violations: record.violations.length,
      denials: 0,
      failOn: 'violation',
    })
    const input = {
      conclusion: verdict.conclusion,
      failOn: 'violation',
      isolation: { kind: 'container', evidence: ['+ /.dockerenv present (Docker)'], allowed: true },
      stripped: ['ANTHROPIC_API_KEY', 'GITHUB_TOKEN', 'NPM_TOKEN'],
      lock: { sandbox: 'on', allowedDomains: [], denyRules: 114, hookVerified: true },
      agent: {
        exitCode: 0,
        signal: null,
        timedOut: false,
        subtype: 'success',
        isError: false,
        numTurns: 12,
        costUsd: 0.42,
        durationMs: 95_000,
        result: 'Done: the change is in place and the tests pass.',
        denials: [],
      },
      audit: record,
      denials: [],
      runUrl: 'https://github.com/airlock-test/demo/actions/runs/4242',
      marker: stickyMarker('agent', 'airlock'),
    }
    t = performance.now()
    const comment = report.renderReport(input)
    const line = report.summaryLine(input)
    const summary = report.renderReport(input, { limit: report.SUMMARY_LIMIT })
    const rendered = performance.now()
    const body = redactor.redact(comment)
    redactor.redact(line)
    redactor.redact(summary)
    redactor.redact(JSON.stringify({ version: 1, ...input, marker: undefined }, null, 2))
    redactor.redact(JSON.stringify(record.files))
    redactor.redact(JSON.stringify(record.violations))
    result.renderMs = rendered - t
    result.redactMs = performance.now() - rendered

    result.files = record.files.length
    result.violations = record.violations.length
    result.commentChars = body.length
    result.commentBytes = Buffer.byteLength(body, 'utf8')
  }
  result.gitProcesses = gitProcesses
  result.maxRssKiB = process.resourceUsage().maxRSS
  writeFileSync(path.join(path.dirname(jobFile), `${phase}.result.json`), JSON.stringify(result))
}

// ---------------------------------------------------------------------------------------------
// 5. CLI install

const INSTALL_COLD_RUNS = 3
const INSTALL_WARM_RUNS = 5

/**
 * Installs the pinned CLI with `resolveClaude`, as `src/main.ts` does without `claude-path`:
 * cold (an empty tool cache: the real download from registry.npmjs.org, sha512, extraction,
 * `claude --version`) and warm (the same tool cache again: marker and size only). Also times
 * what a warm re-hash of the cached binary would cost, the check the warm path does not do.
 *
 * @param {string} tmp
 * @param {(n: number) => number} runs The number of runs to make for a default of `n`.
 * @returns {Promise<Row[]>}
 */
async function installRows(tmp, runs) {
  const registry = 'https://registry.npmjs.org/'
  const offline = await unreachable(registry)
  if (offline !== null) {
    progress(`install not measured: ${offline}`)
    return [row('CLI install', 'ms', [], `not measured: ${offline}`)]
  }
  const build = existsSync(path.join(tmp, 'build')) ? path.join(tmp, 'build') : compile(tmp)
  const { resolveClaude } = await import(
    pathToFileURL(path.join(build, 'agent', 'install', 'index.js')).href
  )
  const { DEFAULT_CLAUDE_VERSION } = await import(
    pathToFileURL(path.join(build, 'lock', 'defaults.js')).href
  )
  const quiet = {
    log: () => undefined,
    warn: (/** @type {string} */ line) => progress(`warning: ${line}`),
  }
  // Only PATH: `npm run` sets npm_config_registry, which the action would take as a mirror.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' }
  const cold = []
  const warm = []
  let binary = ''
  for (let i = 0; i < runs(INSTALL_COLD_RUNS); i++) {
    progress(`install cold ${i + 1}/${runs(INSTALL_COLD_RUNS)} (downloads ~77 MB) …`)
    const toolCache = mkdtempSync(path.join(tmp, 'toolcache-'))
    const install = () =>
      resolveClaude({ version: DEFAULT_CLAUDE_VERSION, claudePath: null, toolCache, env, ...quiet })
    let t = performance.now()
    try {
      binary = await install()
    } catch (error) {
      rmSync(toolCache, { recursive: true, force: true })
      const message = error instanceof Error ? error.message : String(error)
      progress(`install not measured: ${message}`)
      return [row('CLI install', 'ms', [], `not measured: ${message}`)]
    }
    cold.push(performance.now() - t)
    for (let j = 0; j < Math.ceil(runs(INSTALL_WARM_RUNS) / runs(INSTALL_COLD_RUNS)); j++) {
      t = performance.now()
      const again = await install()
      warm.push(performance.now() - t)
      if (again !== binary) stop('the warm install did not reuse the cached binary.')
    }
    if (i < runs(INSTALL_COLD_RUNS) - 1) rmSync(toolCache, { recursive: true, force: true })
  }
  const rehash = []
  for (let i = 0; i < runs(3); i++) {
    const t = performance.now()
    const hash = createHash('sha512')
    for await (const chunk of createReadStream(binary, { highWaterMark: 1 << 20 }))
      hash.update(chunk)
    hash.digest()
    rehash.push(performance.now() - t)
  }
  /** @param {number} bytes */
  const mib = (bytes) => `${(bytes / (1 << 20)).toFixed(0)} MiB`
  const size = statSync(binary).size
  return [
    row(
      'CLI install: cold',
      'ms',
      cold,
      `${DEFAULT_CLAUDE_VERSION}, empty tool cache: download from registry.npmjs.org, sha512, extract, \`--version\``,
    ),
    row('CLI install: warm', 'ms', warm, 'same tool cache: marker + size, no network'),
    row(
      '  (not done: re-hash the cached binary)',
      'ms',
      rehash,
      `sha512 of the ${mib(size)} binary, what a warm re-hash would add`,
    ),
  ]
}

/* global fetch, AbortSignal -- Node's own, since Node 18 */
/**
 * Why the registry cannot be reached (one short phrase), or null when it answers.
 *
 * @param {string} registry
 * @returns {Promise<string | null>}
 */
async function unreachable(registry) {
  try {
    const response = await fetch(registry, { signal: AbortSignal.timeout(10_000) })
    await response.body?.cancel()
    return null
  } catch (error) {
    // fetch() fails with a TypeError whose cause (a system error) has the code; a timeout, with
    // a DOMException.
    const cause = error instanceof Error ? error.cause : undefined
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : null
    const message = error instanceof Error ? error.message : String(error)
    return `${new URL(registry).host} is unreachable from here (${code ?? message})`
  }
}

// ---------------------------------------------------------------------------------------------
// 6. Bundles

function bundleRows() {
  return BUNDLES.flatMap((name) => {
    const dir = path.join(ROOT, 'dist', name)
    const bytes = statSync(path.join(dir, 'index.js')).size
    // Chunks ncc splits off at a dynamic import(): loaded only when that code runs.
    const chunks = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'index.js')
    const chunkBytes = chunks.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0)
    return [
      row(
        `Bundle dist/${name}/index.js`,
        'KiB',
        [bytes / 1024],
        `${bytes.toLocaleString('en-US')} bytes`,
      ),
      ...(chunks.length > 0
        ? [
            row(
              `  dist/${name}: ${chunks.length} chunk(s) loaded on use`,
              'KiB',
              [chunkBytes / 1024],
              `${chunkBytes.toLocaleString('en-US')} bytes (${chunks.join(', ')})`,
            ),
          ]
        : []),
    ]
  })
}

// ---------------------------------------------------------------------------------------------
// Output

/**
 * @typedef {object} Row
 * @property {string} name
 * @property {string} unit
 * @property {number[]} values
 * @property {string} note
 */

/**
 * @param {string} name
 * @param {string} unit
 * @param {number[] | undefined} values
 * @param {string} note
 * @returns {Row}
 */
function row(name, unit, values, note) {
  return { name, unit, values: values ?? [], note }
}

/**
 * @param {number[]} values
 * @returns {number} NaN for none.
 */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  /** @param {number} i */
  const at = (i) => sorted[i] ?? NaN
  return sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2
}

/**
 * @param {number} value
 * @param {string} unit
 */
function format(value, unit) {
  if (unit === '×') return value < 10 ? value.toFixed(1) : value.toFixed(0)
  if (unit === 'n') return String(value)
  if (unit === 'KiB' || unit === 'MiB') return value.toFixed(1)
  return Math.round(value).toLocaleString('en-US')
}

/**
 * @param {Row[]} rows
 * @param {string} machine
 */
function renderTable(rows, machine) {
  const lines = [
    `Airlock benchmark — ${machine}`,
    '',
    '| Measurement | Unit | Median | Min | Max | Runs | Notes |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const r of rows) {
    const stats =
      r.values.length === 0
        ? ['—', '—', '—']
        : [median(r.values), Math.min(...r.values), Math.max(...r.values)].map((v) =>
            format(v, r.unit),
          )
    lines.push(`| ${r.name} | ${r.unit} | ${stats.join(' | ')} | ${r.values.length} | ${r.note} |`)
  }
  return lines.join('\n')
}

function gitVersion() {
  return execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()
}

/** @param {string} message */
function progress(message) {
  process.stderr.write(`bench: ${message}\n`)
}

/** A failure the script explains in one sentence (no stack trace). */
class BenchError extends Error {}

/**
 * Stops the run; the caller's `finally` still removes the temporary folder.
 *
 * @param {string} message
 * @returns {never}
 */
function stop(message) {
  throw new BenchError(message)
}

/** @param {string} message */
function fail(message) {
  process.stderr.write(`bench: FAILED: ${message}\n`)
  process.exitCode = 1
}

// Last, so that every declaration above is initialized.
if (process.argv[2] === '--child') {
  await child(process.argv[3] ?? '', process.argv[4] ?? '')
} else {
  await main()
}

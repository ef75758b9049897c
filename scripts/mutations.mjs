// `npm run mutations`: switches each containment protection off, one at a time, and runs the
// end-to-end test that attacks it, to prove that test fails when the protection is missing (a
// test that cannot fail proves nothing). Prints one Markdown table. Not part of `npm test`: it
// bundles and runs the real CLI once per mutation (about 30–60 minutes on 2 cores).
//
// Works on a throwaway git worktree of HEAD (so the checkout is never touched) and needs the
// machine to itself: like the end-to-end suite it writes /etc/claude-code and restores it.
//
//   npm run mutations                 every mutation
//   npm run mutations -- 4 6b         only those ids

import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const LOCK = path.join(os.tmpdir(), 'airlock-machine.lock')

/**
 * @typedef {object} Mutation
 * @property {string} id Issue 3's point number, plus a letter when a point has several layers.
 * @property {string} off The protection switched off.
 * @property {string} file
 * @property {string} find Exact text in the file.
 * @property {string} replace
 * @property {{ file: string, find: string, replace: string }[]} [more] Further edits, for a
 *   protection held by several layers that only fails when all of them are off.
 * @property {string} test Test file under __tests__/e2e.
 * @property {string} name `vitest -t` pattern.
 */

/** @type {Mutation[]} */
const MUTATIONS = [
  {
    id: '1',
    off: 'the environment allowlist (every variable passes)',
    file: 'src/strip/environment.ts',
    find: 'const reasonFor = (name: string, value: string): StripReason | null => {',
    replace:
      "const reasonFor = (name: string, value: string): StripReason | null => {\n    if (name !== '') return null",
    test: 'attacks.test.ts',
    name: 'point 1 and 2',
  },
  {
    id: '2a',
    off: 'the model key unset for sandboxed commands (sandbox.credentials.envVars)',
    file: 'src/lock/policy.ts',
    find: "{ name: 'ANTHROPIC_API_KEY', mode: 'deny' }",
    replace: "{ name: 'ANTHROPIC_API_KEY_MUTATED', mode: 'deny' }",
    test: 'attacks.test.ts',
    name: 'point 1 and 2',
  },
  {
    id: '2b',
    off: '/proc denied to the file tools',
    file: 'src/lock/policy.ts',
    find: "    paths.privateDir,\n    '/proc',\n",
    replace: '    paths.privateDir,\n',
    test: 'attacks.test.ts',
    name: 'point 1 and 2',
  },
  {
    id: '3',
    off: "taking away checkout's git credentials",
    file: 'src/strip/git-credentials.ts',
    find: '): Promise<CredentialsChange> {\n  const redactor = new Redactor()',
    replace:
      "): Promise<CredentialsChange> {\n  if (repoDir !== '') return { backupDir: path.resolve(backupDir), backups: [], removed: [] }\n  const redactor = new Redactor()",
    test: 'attacks.test.ts',
    name: 'point 3',
  },
  {
    id: '4a',
    off: 'the credential stores in HOME denied (deny rules, sandbox and hook)',
    file: 'src/lock/policy.ts',
    find: 'const homeCredentials = HOME_CREDENTIAL_PATHS.map((p) => path.join(home, p))',
    replace:
      'const homeCredentials = HOME_CREDENTIAL_PATHS.map((p) => path.join(home, p)).filter(() => false)',
    test: 'attacks.test.ts',
    name: 'point 4',
  },
  {
    id: '4b',
    off: "the runner installation's private files denied",
    file: 'src/pipeline/run.ts',
    find: '    runnerFiles.push(...runnerPrivatePaths(runnerRoot))\n',
    replace: '',
    test: 'attacks.test.ts',
    name: 'point 4',
  },
  {
    id: '4c',
    off: "the sandbox's own denyRead list (deny rules and the hook stay)",
    file: 'src/lock/policy.ts',
    find: "denyRead: readDenied.filter((p) => p !== '/proc' && p !== '/sys/kernel'),",
    replace: 'denyRead: [],',
    test: 'attacks.test.ts',
    name: 'point 4',
  },
  {
    id: '4d',
    off: 'the Read deny rules and the sandbox denyRead list together (the hook stays)',
    file: 'src/lock/policy.ts',
    find: "denyRead: readDenied.filter((p) => p !== '/proc' && p !== '/sys/kernel'),",
    replace: 'denyRead: [],',
    more: [
      {
        file: 'src/lock/policy.ts',
        find: '    ...readDenied.flatMap((p) => [`Read(${abs(p)})`, `Read(${abs(p)}/**)`]),\n',
        replace: '',
      },
    ],
    test: 'attacks.test.ts',
    name: 'point 4',
  },
  {
    id: '5a',
    off: "the sandbox's denyWrite list (.git/hooks, .git/config inside the workspace)",
    file: 'src/lock/policy.ts',
    find: '        denyWrite: writeDenied,',
    replace: '        denyWrite: [],',
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '5c',
    off: 'the Edit deny rules and the sandbox denyWrite list together (the hook stays)',
    file: 'src/lock/policy.ts',
    find: '        denyWrite: writeDenied,',
    replace: '        denyWrite: [],',
    more: [
      {
        file: 'src/lock/policy.ts',
        find: '    ...writeDenied.flatMap((p) => [`Edit(${abs(p)})`, `Edit(${abs(p)}/**)`]),\n',
        replace: '',
      },
    ],
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '5b',
    off: "the policy hook's write roots (file tools may write anywhere)",
    file: 'src/lock/policy.ts',
    find: 'writeRoots: [paths.workspace, paths.agentTmp, ...config.allowWrite],',
    replace: "writeRoots: ['/'],",
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '6a',
    off: 'allowManagedDomainsOnly (and the validation that requires it)',
    file: 'src/lock/policy.ts',
    find: '        allowManagedDomainsOnly: true,',
    replace: '        allowManagedDomainsOnly: false as true,',
    // The lock's validation refuses a lock without it; switch that check off too.
    more: [
      {
        file: 'src/lock/policy.ts',
        find: '  if (!settings.sandbox.network.allowManagedDomainsOnly) {',
        replace: '  if (!settings.sandbox.network.allowManagedDomainsOnly && settings === null) {',
      },
    ],
    test: 'attacks.test.ts',
    name: 'no loopback service',
  },
  {
    id: '6b',
    off: 'the Unix socket block (allowAllUnixSockets)',
    file: 'src/lock/policy.ts',
    find: '        allowAllUnixSockets: false,',
    replace: '        allowAllUnixSockets: true as false,',
    test: 'attacks.test.ts',
    name: 'no loopback service',
  },
  {
    id: '6c',
    off: "the policy hook's WebFetch domain check",
    file: 'src/lock/policy.ts',
    find: '    allowedDomains: [...config.allowedDomains],\n  }\n\n  return { settings',
    replace:
      "    allowedDomains: [...config.allowedDomains, '127.0.0.1', 'localhost'],\n  }\n\n  return { settings",
    test: 'attacks.test.ts',
    name: 'with an allowed domain',
  },
  {
    id: '7',
    off: '--setting-sources "" (the repository\'s settings are loaded)',
    file: 'src/pipeline/run.ts',
    find: "    '--setting-sources',\n    '',\n",
    replace: '',
    test: 'containment.test.ts',
    name: 'cannot weaken',
  },
  {
    id: '8',
    off: "the SessionStart nonce check (the lock's proof)",
    file: 'src/agent/run.ts',
    find: 'if (nonce !== proof.nonce) {',
    replace: 'if (nonce !== proof.nonce && nonce === proof.nonce) {',
    test: 'lock-proof.test.ts',
    name: 'lock proves',
  },
  {
    id: '9',
    off: 'the ::stop-commands:: fence',
    file: 'src/pipeline/run.ts',
    find: 'process.stdout.write(`::stop-commands::${this.#token}\\n`)',
    replace: "process.stdout.write('')",
    test: 'pipeline.test.ts',
    name: 'workflow commands',
  },
  {
    id: '10',
    off: 'sandbox: required failing closed',
    file: 'src/lock/sandbox.ts',
    find: "  if (mode === 'required') {",
    replace: "  if (mode === 'required' && full === undefined) {",
    test: 'attacks.test.ts',
    name: 'point 10',
  },
  {
    id: '12a',
    off: '--tools (the CLI offers every tool; the hook still refuses unknown ones)',
    file: 'src/pipeline/run.ts',
    find: "    '--tools',\n    lock.tools.join(','),\n",
    replace: '',
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '12b',
    off: "--tools and the hook's refusal of unknown tools together",
    file: 'src/pipeline/run.ts',
    find: "    '--tools',\n    lock.tools.join(','),\n",
    replace: '',
    more: [
      {
        file: 'src/hook/decide.ts',
        find: '  if (!policy.tools.includes(tool)) {',
        replace: '  if (!policy.tools.includes(tool) && tool === policy.nonce) {',
      },
    ],
    test: 'attacks.test.ts',
    name: 'point 5',
  },
  {
    id: '13',
    off: 'the actor check on comment events',
    file: 'src/inputs/actor.ts',
    find: 'export function needsActorCheck(eventName: string): boolean {',
    replace:
      "export function needsActorCheck(eventName: string): boolean {\n  if (eventName !== '') return false",
    test: 'pipeline.test.ts',
    name: 'who may start the agent',
  },
]

function main() {
  const only = process.argv.slice(2)
  const chosen = MUTATIONS.filter((m) => only.length === 0 || only.includes(m.id))
  const tree = mkdtempSync(path.join(os.tmpdir(), 'airlock-mutations-'))
  execFileSync('git', ['worktree', 'add', '--detach', '-q', tree, 'HEAD'], { cwd: ROOT })
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'))
  const rows = []
  try {
    for (const m of chosen) {
      const edits = [{ file: m.file, find: m.find, replace: m.replace }, ...(m.more ?? [])]
      /** @type {Map<string, string>} */
      const originals = new Map()
      let stale = false
      for (const edit of edits) {
        const file = path.join(tree, edit.file)
        if (!originals.has(file)) originals.set(file, readFileSync(file, 'utf8'))
        const text = readFileSync(file, 'utf8')
        if (!text.includes(edit.find)) stale = true
        writeFileSync(file, text.replace(edit.find, edit.replace))
      }
      const restore = () => {
        for (const [file, text] of originals) writeFileSync(file, text)
      }
      if (stale) {
        restore()
        rows.push([m.id, m.off, `${m.test} › ${m.name}`, '**stale mutation** (code not found)'])
        continue
      }
      process.stderr.write(`mutation ${m.id}: ${m.off} … `)
      const started = Date.now()
      // One run at a time on the machine: the same lock file the other users of
      // /etc/claude-code on a shared development machine take (see README, Development).
      const run = spawnSync(
        'flock',
        [LOCK, 'npx', 'vitest', 'run', '--project', 'e2e', `__tests__/e2e/${m.test}`, '-t', m.name],
        { cwd: tree, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
      )
      restore()
      const output = `${run.stdout}\n${run.stderr}`
      const failed = run.status !== 0
      // The failed assertion, without the message a test attaches (often the action's whole log).
      const plain = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
      const why =
        /(expected [^\n]{0,100}? to (?:be|equal|deeply equal|match|contain|include)[^\n]{0,80})/.exec(
          plain,
        )?.[1] ??
        /(?:AssertionError|Error): ([^\n]{0,140})/.exec(plain)?.[1] ??
        ''
      const seconds = Math.round((Date.now() - started) / 1000)
      process.stderr.write(
        `${failed ? 'test failed (good)' : 'TEST PASSED (bad)'} in ${seconds} s\n`,
      )
      rows.push([
        m.id,
        m.off,
        `${m.test} › ${m.name}`,
        failed ? `fails: ${why.replaceAll('|', '\\|')}` : '**still passes**',
      ])
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT })
    rmSync(tree, { recursive: true, force: true })
  }
  console.log('| # | protection switched off | test | result |')
  console.log('| --- | --- | --- | --- |')
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
}

main()

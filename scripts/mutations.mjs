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

import { MUTATIONS } from './mutations-list.mjs'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const LOCK = path.join(os.tmpdir(), 'airlock-machine.lock')

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

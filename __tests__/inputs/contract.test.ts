import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Inputs, Outputs } from '../../src/inputs/contract.js'
import { SETTING_INPUTS } from '../../src/strip/allowlist.js'
import { renderReadme, renderTable } from '../../scripts/docs.mjs'

const ROOT = path.resolve(import.meta.dirname, '../..')
const actionYml = readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

/** The keys directly under a top-level section of action.yml (two-space indented). */
function sectionKeys(section: string): string[] {
  const lines = actionYml.split('\n')
  const start = lines.indexOf(`${section}:`)
  const keys: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break
    const match = /^ {2}([a-z][a-z0-9-]*):\s*$/.exec(line)
    if (match?.[1] !== undefined) keys.push(match[1])
  }
  return keys
}

describe('the public contract', () => {
  it('action.yml declares exactly the inputs the code reads', () => {
    expect(sectionKeys('inputs').sort()).toEqual(Object.values(Inputs).sort())
  })
  it('classes every input: a setting (neither redacted nor masked) or a possible secret', () => {
    const settings = SETTING_INPUTS.map((rule) => rule.pattern)
    const variables = sectionKeys('inputs').map((name) => `INPUT_${name.toUpperCase()}`)
    expect(settings.filter((name) => !variables.includes(name))).toEqual([])
    // A new input is a secret until someone decides otherwise: this list changes with care.
    expect(variables.filter((name) => !settings.includes(name)).sort()).toEqual([
      'INPUT_ANTHROPIC-API-KEY',
      'INPUT_ANTHROPIC-BASE-URL',
      'INPUT_CLAUDE-ARGS',
      'INPUT_CLAUDE-CODE-OAUTH-TOKEN',
      'INPUT_GITHUB-TOKEN',
      'INPUT_PROMPT',
    ])
  })
  it('action.yml declares exactly the outputs the code sets', () => {
    expect(sectionKeys('outputs').sort()).toEqual(Object.values(Outputs).sort())
  })
  it("the README's configuration reference is generated from action.yml (npm run docs)", () => {
    expect(renderReadme(readme, actionYml), 'README.md is out of step: run `npm run docs`').toBe(
      readme,
    )
  })
  it('the generated reference would show an input added to action.yml', () => {
    const added = actionYml.replace(
      '\ninputs:\n',
      "\ninputs:\n  brand-new:\n    description: A new knob.\n    required: false\n    default: ''\n",
    )
    expect(renderTable(added, 'inputs')).toContain('| `brand-new` |  | A new knob. |')
    expect(renderReadme(readme, added)).not.toBe(readme)
  })
  it('every input has a description and a default', () => {
    const blocks =
      actionYml
        .split('\ninputs:')[1]
        ?.split('\noutputs:')[0]
        ?.split(/\n {2}(?=[a-z])/)
        .slice(1) ?? []
    expect(blocks.length).toBe(Object.values(Inputs).length)
    for (const block of blocks) {
      expect(block, block).toMatch(/\n {4}description: \S/)
      expect(block, block).toMatch(/\n {4}default: /)
    }
  })
  it('runs on node24 with a post step that always runs', () => {
    expect(actionYml).toMatch(/using: node24/)
    expect(actionYml).toMatch(/main: dist\/main\/index\.js/)
    expect(actionYml).toMatch(/post: dist\/post\/index\.js/)
    expect(actionYml).toMatch(/post-if: always\(\)/)
  })
})

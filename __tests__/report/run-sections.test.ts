import { describe, expect, it } from 'vitest'
import { renderReport } from '../../src/report/render.js'
import { input } from './helpers.js'

describe('renderReport: the run', () => {
  it('shows agent stats', () => {
    const md = renderReport(input())
    expect(md).toContain('| 7 | \\$0.12 | 2m 5s | 0 | success | no |')
  })

  it('puts isolation evidence and stripped names in collapsed blocks, with the count in the text', () => {
    const md = renderReport(input())
    expect(md).toContain('**Isolation:** container, allowed.')
    expect(md).toContain(
      '<details><summary>Isolation evidence (1)</summary>\n\n- /.dockerenv exists\n\n</details>',
    )
    expect(md).toContain("**Environment:** 2 variables removed from the agent's environment.")
    expect(md).toContain(
      '<details><summary>Removed variables (2)</summary>\n\n`AWS_SECRET_ACCESS_KEY`, `NPM_TOKEN`',
    )
  })

  it.each([
    [
      { sandbox: 'off', allowedDomains: [], denyRules: 3, hookVerified: false },
      ['OS sandbox **off**', 'policy hook **not verified**', 'no outbound hosts'],
    ],
    [
      { sandbox: 'weaker-nested', allowedDomains: ['a.example'], denyRules: 1, hookVerified: true },
      ['weaker nested mode', '1 deny rule ·', '`a.example`'],
    ],
  ] as const)('summarizes the lock plainly (%#)', (lock, expected) => {
    const md = renderReport(input({ lock: { ...lock, allowedDomains: [...lock.allowedDomains] } }))
    for (const text of expected) expect(md).toContain(text)
  })
  it('renders the run link only for http(s) addresses', () => {
    expect(renderReport(input({ runUrl: 'javascript:alert(1)' }))).not.toContain('Workflow run')
    expect(renderReport(input({ runUrl: 'https://x/y) [z](w' }))).not.toContain('Workflow run')
  })
})

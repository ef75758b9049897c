import { describe, expect, it } from 'vitest'
import { renderReport } from '../../src/report/render.js'
import type { Denial } from '../../src/types/stages.js'
import { input } from './helpers.js'

describe('renderReport: blocked actions', () => {
  it('groups blocked actions by tool then reason, with counts and examples', () => {
    const denials: Denial[] = [
      {
        source: 'sandbox',
        tool: 'Bash',
        target: 'curl https://a.example',
        reason: 'host not allowed',
      },
      {
        source: 'sandbox',
        tool: 'Bash',
        target: 'curl https://b.example',
        reason: 'host not allowed',
      },
      {
        source: 'sandbox',
        tool: 'Bash',
        target: 'curl https://a.example',
        reason: 'host not allowed',
      },
      { source: 'hook', tool: 'Read', target: '.env', reason: 'credential path' },
      { source: 'cli', tool: 'Bash', target: 'sudo su', reason: 'deny rule Bash(sudo:*)' },
    ]
    const md = renderReport(input({ denials }))
    expect(md).toContain('#### Blocked actions (5)')
    expect(md).toContain(
      '| `Bash` | host not allowed | sandbox | 3 | `curl https://a.example`<br>`curl https://b.example` |',
    )
    expect(md).toContain('| `Bash` | deny rule Bash(sudo:\\*) | cli | 1 | `sudo su` |')
    expect(md.indexOf('host not allowed')).toBeLessThan(md.indexOf('deny rule'))
    expect(md.indexOf('deny rule')).toBeLessThan(md.indexOf('credential path'))
  })
})

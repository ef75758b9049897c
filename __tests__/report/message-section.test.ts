import { describe, expect, it } from 'vitest'
import { renderReport } from '../../src/report/render.js'
import { agent, assertInert, input } from './helpers.js'

describe("renderReport: the agent's final message", () => {
  it('fences the final message with a fence longer than its backtick runs, inside <details>', () => {
    const md = renderReport(input({ agent: agent({ result: 'see ````\n</details>\n@bob' }) }))
    expect(md).toContain(
      "<details><summary>The agent's final message (24 characters)</summary>\n\n`````text\nsee ````\n</details>\n@bob\n`````\n\n</details>",
    )
    assertInert(md)
  })
})

import { describe, expect, it } from 'vitest'
import { sandboxDenials } from '../../src/agent/sandbox-log.js'

const LOG = [
  '2026-11-27T04:15:04.699Z [DEBUG] [MCP] --mcp-config servers running fully async (nonblocking)',
  '2026-11-27T04:15:05.994Z [DEBUG] [sandbox] Blocked network request to evil.example.net (allowManagedDomainsOnly)',
  '2026-11-27T04:15:06.084Z [DEBUG] [sandbox] Blocked network request to 127.0.0.1 (allowManagedDomainsOnly)',
  // Not at the start of a line, or not in the CLI's format: not a refusal.
  'stdout: 2026-11-27T04:15:06.084Z [DEBUG] [sandbox] Blocked network request to x (y)',
  '[sandbox] Blocked network request to x (y)',
]

describe('sandboxDenials', () => {
  it("reads the proxy's refusals from the CLI's debug log, host and reason", () => {
    expect(sandboxDenials(LOG)).toEqual([
      {
        source: 'sandbox',
        tool: 'Bash',
        target: 'evil.example.net',
        reason: 'network request refused by the sandbox (allowManagedDomainsOnly)',
      },
      {
        source: 'sandbox',
        tool: 'Bash',
        target: '127.0.0.1',
        reason: 'network request refused by the sandbox (allowManagedDomainsOnly)',
      },
    ])
  })

  it('keeps at most the limit, however long the log', () => {
    const many = Array.from({ length: 5000 }, () => LOG[1]!)
    expect(sandboxDenials(many, 1000)).toHaveLength(1000)
  })

  it('finds nothing in an empty log', () => {
    expect(sandboxDenials([])).toEqual([])
  })
})

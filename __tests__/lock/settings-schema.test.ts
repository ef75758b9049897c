import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildLock, type SandboxSetting } from '../../src/lock/policy.js'
import { validateManagedSettings } from '../../src/lock/settings-schema.js'
import { lock, rulePath } from './fixtures.js'

describe('validateManagedSettings', () => {
  it.each(['on', 'weaker-nested', 'off'] as const)(
    'finds nothing wrong with the lock buildLock writes (sandbox %s)',
    (sandbox) => {
      const { settings } = lock(
        { allowedDomains: ['example.org'], deny: ['WebFetch'] },
        {},
        sandbox,
      )
      expect(validateManagedSettings(settings)).toEqual([])
      expect(validateManagedSettings(JSON.parse(JSON.stringify(settings)))).toEqual([])
    },
  )

  const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('/'))
  const absPath = fc
    .array(segment, { minLength: 1, maxLength: 4 })
    .map((parts) => `/${parts.join('/')}`)
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/)
  const domain = fc
    .tuple(fc.boolean(), fc.array(label, { minLength: 1, maxLength: 3 }))
    .map(([wild, labels]) => `${wild ? '*.' : ''}${labels.join('.')}`)

  it('finds nothing wrong with any lock buildLock writes, and the lock keeps its invariants', () => {
    fc.assert(
      fc.property(
        fc.record({
          allowedDomains: fc.array(domain, { maxLength: 4 }),
          allowWrite: fc.array(absPath, { maxLength: 3 }),
          deny: fc.array(fc.string(), { maxLength: 4 }),
          modelCredential: fc.record({
            name: fc.constantFrom('ANTHROPIC_API_KEY' as const, 'CLAUDE_CODE_OAUTH_TOKEN' as const),
            value: fc.string(),
          }),
        }),
        fc.record({
          workspace: absPath,
          home: absPath,
          runnerTemp: fc.option(absPath),
          privateDir: absPath,
          agentTmp: absPath,
          secretFiles: fc.array(absPath, { maxLength: 2 }),
          runnerFiles: fc.array(absPath, { maxLength: 3 }),
          node: absPath,
          hookScript: absPath,
        }),
        fc.constantFrom<SandboxSetting>('on', 'weaker-nested', 'off'),
        fc.string(),
        (config, paths, sandbox, nonce) => {
          const built = buildLock(config, paths, { nonce, sandbox })
          const { settings } = built
          expect(validateManagedSettings(settings)).toEqual([])
          expect(validateManagedSettings(JSON.parse(JSON.stringify(settings)))).toEqual([])
          expect(settings.sandbox.allowUnsandboxedCommands).toBe(false)
          expect(settings.sandbox.network.allowManagedDomainsOnly).toBe(true)
          expect(settings.sandbox.failIfUnavailable).toBe(sandbox !== 'off')
          const builtIn = built.denyRules.filter((r) => !config.deny.includes(r))
          for (const rule of builtIn) {
            const p = rulePath(rule)
            if (p !== null) expect(p.startsWith('//')).toBe(true)
          }
          expect(built.denyRules).toEqual(expect.arrayContaining(config.deny))
          expect(built.denyRules).toContain('Read(//proc/**)')
          expect(built.tools.includes('WebFetch')).toBe(config.allowedDomains.length > 0)
        },
      ),
      { numRuns: 200 },
    )
  })

  type Settings = ReturnType<typeof lock>['settings']
  const broken: {
    name: string
    change: (s: Settings & Record<string, unknown>) => void
    problem: string
  }[] = [
    {
      name: 'a string where the sandbox switch needs a boolean',
      change: (s) => {
        ;(s.sandbox as Record<string, unknown>).enabled = 'yes'
      },
      problem: 'settings.sandbox.enabled must be a boolean',
    },
    {
      name: 'a deny list that is one string',
      change: (s) => {
        ;(s.permissions as Record<string, unknown>).deny = 'Bash(rm -rf *)'
      },
      problem: 'settings.permissions.deny must be a list of strings',
    },
    {
      name: 'a deny list with a number in it',
      change: (s) => {
        ;(s.permissions.deny as unknown[]).push(1)
      },
      problem: 'settings.permissions.deny must be a list of strings',
    },
    {
      name: 'a hook timeout written as a string',
      change: (s) => {
        ;(s.hooks.PreToolUse[0]!.hooks[0] as Record<string, unknown>).timeout = '30'
      },
      problem: 'settings.hooks.PreToolUse[0].hooks[0].timeout must be a number',
    },
    {
      name: 'hooks that are an object instead of a list',
      change: (s) => {
        ;(s.hooks as Record<string, unknown>).SessionStart = { hooks: [] }
      },
      problem: 'settings.hooks.SessionStart must be a list',
    },
    {
      name: 'a network section that is a list',
      change: (s) => {
        ;(s.sandbox as Record<string, unknown>).network = []
      },
      problem: 'settings.sandbox.network must be an object',
    },
    {
      name: 'a credential rule whose mode is not a string',
      change: (s) => {
        ;(s.sandbox.credentials.envVars[0] as Record<string, unknown>).mode = true
      },
      problem: 'settings.sandbox.credentials.envVars[0].mode must be a string',
    },
    {
      name: 'an unknown top-level key',
      change: (s) => {
        s.apiKeyHelper = 'cat /tmp/key'
      },
      problem: 'settings.apiKeyHelper is not a key the lock may set',
    },
    {
      name: 'an allow list',
      change: (s) => {
        ;(s.permissions as Record<string, unknown>).allow = ['Bash']
      },
      problem: 'settings.permissions.allow is not a key the lock may set',
    },
    {
      name: 'an unknown key deep in the sandbox',
      change: (s) => {
        ;(s.sandbox.network as Record<string, unknown>).allowAllDomains = true
      },
      problem: 'settings.sandbox.network.allowAllDomains is not a key the lock may set',
    },
    {
      name: 'unsandboxed commands allowed',
      change: (s) => {
        ;(s.sandbox as Record<string, unknown>).allowUnsandboxedCommands = true
      },
      problem: 'settings.sandbox.allowUnsandboxedCommands must be false',
    },
    {
      name: 'a network that is not managed-only',
      change: (s) => {
        ;(s.sandbox.network as Record<string, unknown>).allowManagedDomainsOnly = false
      },
      problem: 'settings.sandbox.network.allowManagedDomainsOnly must be true',
    },
    {
      name: 'repository hooks allowed',
      change: (s) => {
        ;(s as Record<string, unknown>).allowManagedHooksOnly = false
      },
      problem: 'settings.allowManagedHooksOnly must be true',
    },
    {
      name: 'repository permission rules allowed',
      change: (s) => {
        ;(s as Record<string, unknown>).allowManagedPermissionRulesOnly = false
      },
      problem: 'settings.allowManagedPermissionRulesOnly must be true',
    },
    {
      name: 'a sandbox that may silently not start',
      change: (s) => {
        s.sandbox.failIfUnavailable = false
      },
      problem: 'settings.sandbox.failIfUnavailable must be true when the sandbox is on',
    },
    {
      name: 'no PreToolUse hook',
      change: (s) => {
        s.hooks.PreToolUse = []
      },
      problem: 'settings.hooks must run the policy hook',
    },
    {
      name: 'no SessionStart hook',
      change: (s) => {
        s.hooks.SessionStart = []
      },
      problem: 'settings.hooks must run the policy hook',
    },
  ]

  it.each(broken)('refuses $name', ({ change, problem }) => {
    const settings = structuredClone(lock().settings) as Settings & Record<string, unknown>
    change(settings)
    expect(validateManagedSettings(settings)).toContain(problem)
  })

  it('accepts a sandbox that is off and so need not fail when unavailable', () => {
    const settings = structuredClone(lock({}, {}, 'off').settings)
    expect(settings.sandbox.failIfUnavailable).toBe(false)
    expect(validateManagedSettings(settings)).toEqual([])
  })

  it.each([null, undefined, [], 'settings', 42])('refuses %j, which is not an object', (value) => {
    expect(validateManagedSettings(value)).toEqual(['settings must be an object'])
  })
})

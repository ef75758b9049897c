import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type { Config } from '../../src/inputs/config.js'
import {
  HOME_CREDENTIAL_PATHS,
  HOME_STARTUP_FILES,
  KNOWN_TOOLS,
  MANAGED_SETTINGS_DIR,
  SEED_BASH_DENY,
} from '../../src/lock/defaults.js'
import { buildLock, shellQuote, validateManagedSettings } from '../../src/lock/policy.js'
import type { LockPaths, SandboxSetting } from '../../src/lock/policy.js'

type LockConfig = Pick<Config, 'allowedDomains' | 'allowWrite' | 'deny' | 'modelCredential'>

const WS = '/home/runner/work/repo/repo'
const HOME = '/home/runner'
const RUNNER_TEMP = '/home/runner/work/_temp'
const PRIVATE = `${RUNNER_TEMP}/airlock-Xy12`
const AGENT_TMP = '/tmp/airlock-agent-tmp-Ab34'

const PATHS: LockPaths = {
  workspace: WS,
  home: HOME,
  runnerTemp: RUNNER_TEMP,
  privateDir: PRIVATE,
  agentTmp: AGENT_TMP,
  secretFiles: ['/opt/gcp/service-account.json'],
  runnerFiles: ['/home/runner/work/_temp/_runner_file_commands/set_env_1', '/srv/event.json'],
  node: '/opt/hostedtoolcache/node/24.0.0/x64/bin/node',
  hookScript: '/home/runner/work/_actions/acme/airlock/v1/dist/hook/index.js',
}

const CONFIG: LockConfig = {
  allowedDomains: [],
  allowWrite: [],
  deny: [],
  modelCredential: { name: 'ANTHROPIC_API_KEY', value: 'unused-by-the-lock' },
}

function lock(
  config: Partial<LockConfig> = {},
  paths: Partial<LockPaths> = {},
  sandbox: SandboxSetting = 'on',
): ReturnType<typeof buildLock> {
  return buildLock({ ...CONFIG, ...config }, { ...PATHS, ...paths }, { nonce: 'n0nce', sandbox })
}

/** The path inside a `Read(...)` or `Edit(...)` rule. */
function rulePath(rule: string): string | null {
  return /^(?:Read|Edit)\((.*)\)$/s.exec(rule)?.[1] ?? null
}

describe('buildLock: the sandbox', () => {
  it.each([
    { sandbox: 'on', enabled: true, weaker: undefined },
    { sandbox: 'weaker-nested', enabled: true, weaker: true },
    { sandbox: 'off', enabled: false, weaker: undefined },
  ] as const)(
    'turns the sandbox $sandbox: enabled=$enabled, failing closed when it is on',
    ({ sandbox, enabled, weaker }) => {
      const s = lock({}, {}, sandbox).settings.sandbox
      expect(s.enabled).toBe(enabled)
      expect(s.failIfUnavailable).toBe(enabled)
      expect(s.allowUnsandboxedCommands).toBe(false)
      expect(s.enableWeakerNestedSandbox).toBe(weaker)
      if (weaker === undefined) expect('enableWeakerNestedSandbox' in s).toBe(false)
    },
  )

  it.each([{ domains: [] }, { domains: ['registry.npmjs.org', '*.github.com'] }])(
    'keeps the network managed-only, with no sockets or local binding, for domains $domains',
    ({ domains }) => {
      const network = lock({ allowedDomains: domains }).settings.sandbox.network
      expect(network).toEqual({
        allowedDomains: domains,
        allowManagedDomainsOnly: true,
        allowUnixSockets: [],
        allowAllUnixSockets: false,
        allowLocalBinding: false,
      })
    },
  )

  it.each(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'] as const)(
    'unsets every model credential for sandboxed commands when the CLI uses %s',
    (name) => {
      const envVars = lock({ modelCredential: { name, value: 'v' } }).settings.sandbox.credentials
        .envVars
      expect(envVars).toEqual(
        expect.arrayContaining([
          { name: 'ANTHROPIC_API_KEY', mode: 'deny' },
          { name: 'CLAUDE_CODE_OAUTH_TOKEN', mode: 'deny' },
          { name: 'ANTHROPIC_AUTH_TOKEN', mode: 'deny' },
        ]),
      )
      expect(envVars.map((v) => v.mode as string)).not.toContain('allow')
    },
  )

  it('lets sandboxed commands write only the agent temp folder and allow-write (plus the CLI working directory)', () => {
    expect(lock({ allowWrite: ['/opt/cache'] }).settings.sandbox.filesystem.allowWrite).toEqual([
      AGENT_TMP,
      '/opt/cache',
    ])
  })

  it('hides credential stores, runner folders and the lock from sandboxed commands', () => {
    const fs = lock().settings.sandbox.filesystem
    for (const p of HOME_CREDENTIAL_PATHS) expect(fs.denyRead).toContain(path.join(HOME, p))
    expect(fs.denyRead).toEqual(
      expect.arrayContaining([
        '/opt/gcp/service-account.json',
        RUNNER_TEMP,
        ...PATHS.runnerFiles,
        PRIVATE,
        MANAGED_SETTINGS_DIR,
      ]),
    )
    // The sandbox mounts its own /proc; binding over it would break every command.
    expect(fs.denyRead).not.toContain('/proc')
    expect(fs.denyWrite).toEqual(
      expect.arrayContaining([
        `${WS}/.git/hooks`,
        `${WS}/.git/config`,
        MANAGED_SETTINGS_DIR,
        PRIVATE,
        RUNNER_TEMP,
        ...HOME_STARTUP_FILES.map((p) => path.join(HOME, p)),
      ]),
    )
  })
})

describe('buildLock: settings scope', () => {
  it('makes the managed hooks and permission rules the only ones the CLI runs', () => {
    const { settings } = lock()
    expect(settings.allowManagedHooksOnly).toBe(true)
    expect(settings.allowManagedPermissionRulesOnly).toBe(true)
    expect(Object.keys(settings).sort()).toEqual([
      'allowManagedHooksOnly',
      'allowManagedPermissionRulesOnly',
      'hooks',
      'permissions',
      'sandbox',
    ])
  })

  it('runs the policy hook for every tool call and at session start, with the policy file in the private folder', () => {
    const { hooks } = lock().settings
    const policyFile = `${PRIVATE}/policy.json`
    expect(hooks.PreToolUse).toEqual([
      {
        matcher: '*',
        hooks: [
          {
            type: 'command',
            command: `'${PATHS.node}' '${PATHS.hookScript}' 'pre-tool-use' '${policyFile}'`,
            timeout: 30,
          },
        ],
      },
    ])
    expect(hooks.SessionStart).toEqual([
      {
        hooks: [
          {
            type: 'command',
            command: `'${PATHS.node}' '${PATHS.hookScript}' 'session-start' '${policyFile}'`,
            timeout: 30,
          },
        ],
      },
    ])
  })
})

describe('buildLock: deny rules', () => {
  const { denyRules, settings } = lock()

  it('writes the deny rules into the managed settings, each once', () => {
    expect(settings.permissions.deny).toEqual(denyRules)
    expect(new Set(denyRules).size).toBe(denyRules.length)
  })

  it('keeps the seed Bash rules', () => {
    expect(denyRules).toEqual(expect.arrayContaining([...SEED_BASH_DENY]))
  })

  it('writes every built-in path rule with the absolute // syntax (never settings-relative /path)', () => {
    const paths = denyRules.map(rulePath).filter((p): p is string => p !== null)
    expect(paths.length).toBeGreaterThan(40)
    for (const p of paths) expect(p).toMatch(/^\/\/[^/]/)
  })

  it.each(['**/.env*', '**/*credentials*', '**/*secret*'])(
    'denies Read and Edit of %s anywhere in the workspace',
    (glob) => {
      expect(denyRules).toContain(`Read(/${WS}/${glob})`)
      expect(denyRules).toContain(`Edit(/${WS}/${glob})`)
    },
  )

  it.each([
    ...HOME_CREDENTIAL_PATHS.map((p) => ({ what: `~/${p}`, at: path.join(HOME, p) })),
    { what: 'a secret file named by the environment', at: '/opt/gcp/service-account.json' },
    { what: 'the runner temp folder', at: RUNNER_TEMP },
    { what: "the runner's file-command files", at: PATHS.runnerFiles[0]! },
    { what: 'the event file', at: '/srv/event.json' },
    { what: "the action's private folder", at: PRIVATE },
    { what: '/proc', at: '/proc' },
    { what: '/sys/kernel', at: '/sys/kernel' },
    { what: 'the managed settings folder', at: MANAGED_SETTINGS_DIR },
  ])('denies Read of $what and everything under it', ({ at }) => {
    expect(denyRules).toContain(`Read(/${at})`)
    expect(denyRules).toContain(`Read(/${at}/**)`)
  })

  it.each([
    { what: '.git/hooks', at: `${WS}/.git/hooks` },
    { what: '.git/config', at: `${WS}/.git/config` },
    ...HOME_STARTUP_FILES.map((p) => ({ what: `~/${p}`, at: path.join(HOME, p) })),
    { what: 'the managed settings folder', at: MANAGED_SETTINGS_DIR },
    { what: "the action's private folder", at: PRIVATE },
    { what: 'the runner temp folder', at: RUNNER_TEMP },
    { what: "the runner's file-command files", at: PATHS.runnerFiles[0]! },
  ])('denies Edit of $what and everything under it', ({ at }) => {
    expect(denyRules).toContain(`Edit(/${at})`)
    expect(denyRules).toContain(`Edit(/${at}/**)`)
  })

  it('appends the user deny rules after the built-in ones, without repeating a built-in rule', () => {
    const user = ['Bash(curl *)', 'WebFetch', 'Bash(sudo *)', 'Read(//srv/data/**)']
    const rules = lock({ deny: user }).denyRules
    expect(rules.slice(-3)).toEqual(['Bash(curl *)', 'WebFetch', 'Read(//srv/data/**)'])
    expect(rules.filter((r) => r === 'Bash(sudo *)')).toHaveLength(1)
    expect(rules.slice(0, denyRules.length)).toEqual(denyRules)
  })

  it('writes no rule for a runner temp folder that does not exist', () => {
    const rules = lock({}, { runnerTemp: null, runnerFiles: [] }).denyRules
    expect(rules.join('\n')).not.toMatch(/null|undefined/)
    expect(rules).not.toContain(`Read(/${RUNNER_TEMP})`)
    expect(rules).toContain(`Read(/${PRIVATE})`)
  })
})

describe('buildLock: tools and the hook policy', () => {
  it('offers no network tool when no domain is allowed', () => {
    const { tools, hookPolicy } = lock()
    expect(tools).not.toContain('WebFetch')
    expect(tools).not.toContain('WebSearch')
    expect(hookPolicy.tools).toEqual(tools)
    expect(tools).toEqual(KNOWN_TOOLS.filter((t) => t !== 'WebFetch' && t !== 'WebSearch'))
  })

  it('offers WebFetch and WebSearch when some domain is allowed', () => {
    const { tools, hookPolicy } = lock({ allowedDomains: ['example.org'] })
    expect(tools).toEqual([...KNOWN_TOOLS])
    expect(hookPolicy.allowedDomains).toEqual(['example.org'])
  })

  it('gives the hook the write roots, the denied places and its private files', () => {
    const { hookPolicy } = lock({ allowWrite: ['/opt/cache'], allowedDomains: ['example.org'] })
    expect(hookPolicy).toMatchObject({
      version: 1,
      nonce: 'n0nce',
      sessionFile: `${PRIVATE}/session-start`,
      logFile: `${PRIVATE}/decisions.jsonl`,
      writeRoots: [WS, AGENT_TMP, '/opt/cache'],
      denyNames: ['.env*', '*credentials*', '*secret*'],
    })
    expect(hookPolicy.denyWrite).toEqual(
      expect.arrayContaining([`${WS}/.git`, MANAGED_SETTINGS_DIR, PRIVATE, RUNNER_TEMP]),
    )
    expect(hookPolicy.denyRead).toEqual(
      expect.arrayContaining([
        '/proc',
        '/sys/kernel',
        MANAGED_SETTINGS_DIR,
        PRIVATE,
        `${HOME}/.ssh`,
      ]),
    )
  })

  it('does not share its arrays with the config', () => {
    const config = { ...CONFIG, allowedDomains: ['example.org'] }
    const built = buildLock(config, PATHS, { nonce: 'n', sandbox: 'on' })
    built.settings.sandbox.network.allowedDomains.push('evil.io')
    built.hookPolicy.allowedDomains.push('evil.io')
    expect(config.allowedDomains).toEqual(['example.org'])
  })
})

describe('shellQuote', () => {
  let dir: string | null = null
  afterEach(() => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true })
    dir = null
  })

  it.each([
    { word: 'plain', quoted: `'plain'` },
    { word: '', quoted: `''` },
    { word: "it's", quoted: `'it'\\''s'` },
    { word: 'a b', quoted: `'a b'` },
  ])('quotes $word as $quoted', ({ word, quoted }) => {
    expect(shellQuote(word)).toBe(quoted)
  })

  it('gives sh back any word unchanged, however hostile', () => {
    const word = fc.oneof(
      fc.string({ unit: 'binary-ascii' }),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom(`'; touch /tmp/pwned; '`, '$(id)', '`id`', '"$HOME"', "\\'", '\n-rf'),
    )
    fc.assert(
      fc.property(
        word.filter((w) => !w.includes('\0')),
        (w) => {
          const out = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(w)}`], {
            encoding: 'utf8',
          })
          expect(out).toBe(w)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('builds hook commands that run the hook with the right arguments from paths with spaces and quotes', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'airlock-policy-'))
    const odd = path.join(dir, `it's a "dir" $(touch pwned) \`id\``)
    mkdirSync(odd)
    const hookScript = path.join(odd, 'hook index.js')
    writeFileSync(hookScript, 'console.log(JSON.stringify(process.argv.slice(2)))\n')
    const privateDir = path.join(odd, 'private; rm -rf x')
    const { settings } = lock({}, { node: process.execPath, hookScript, privateDir })
    const run = (command: string): unknown =>
      JSON.parse(execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', cwd: dir! }))
    expect(run(settings.hooks.PreToolUse[0]!.hooks[0]!.command)).toEqual([
      'pre-tool-use',
      path.join(privateDir, 'policy.json'),
    ])
    expect(run(settings.hooks.SessionStart[0]!.hooks[0]!.command)).toEqual([
      'session-start',
      path.join(privateDir, 'policy.json'),
    ])
    expect(execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).trim()).toBe(path.basename(odd))
  })
})

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

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import {
  HOME_CREDENTIAL_PATHS,
  HOME_STARTUP_FILES,
  KNOWN_TOOLS,
  MANAGED_SETTINGS_DIR,
  SEED_BASH_DENY,
} from '../../src/lock/defaults.js'
import { buildLock, shellQuote } from '../../src/lock/policy.js'
import {
  AGENT_TMP,
  CONFIG,
  HOME,
  PATHS,
  PRIVATE,
  RUNNER_TEMP,
  WS,
  lock,
  rulePath,
} from './fixtures.js'

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

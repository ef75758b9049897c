import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import picomatch from 'picomatch'
import {
  buildAgentEnvironment,
  describeEnvironment,
  isAlwaysRemoved,
  isCredentialName,
  matcher,
} from '../../src/strip/environment.js'
import type { EnvironmentOptions, StripReason } from '../../src/strip/environment.js'
import {
  ALWAYS_REMOVED_ENV,
  BASE_ENV_ALLOWLIST,
  EXCLUDED_RUNNER_ENV,
} from '../../src/strip/allowlist.js'
import { looksLikeSecret } from '../../src/secrets/index.js'

// Credential-looking values are assembled here so this file does not trip secret scanners.
const GHS = 'ghs_' + 'q7Xk2LmP9vR4tY8wB3nC6dF1gH5jK0sZaE2u'
const NPM = 'npm_' + 'Zr8Qw3Lk6Yp1Tn4Vb7Xc0Md2Fg5Hj9Ks3Ae6U'
const TOKENISH = 'Yh7' + 'Gq2Lx9Pw4Rm8Tz1Vk6Nb3'
const HOME = '/home/runner'

const none: EnvironmentOptions = { passEnv: [], stripEnv: [] }

interface Case {
  name: string
  source: Record<string, string | undefined>
  options?: Partial<EnvironmentOptions>
  kept: string[]
  stripped: Partial<Record<string, StripReason>>
}

const cases: Case[] = [
  {
    name: 'keeps the base allowlist and nothing else by default',
    source: {
      PATH: '/usr/bin:/bin',
      HOME,
      LC_ALL: 'C.UTF-8',
      CI: 'true',
      JAVA_HOME: '/usr/lib/jvm',
    },
    kept: ['PATH', 'HOME', 'LC_ALL', 'CI'],
    stripped: { JAVA_HOME: 'not-allowed' },
  },
  {
    name: 'strips GITHUB_TOKEN even when pass-env allows *',
    source: { GITHUB_TOKEN: GHS, GH_TOKEN: GHS, FOO: 'bar' },
    options: { passEnv: ['*'] },
    kept: ['FOO'],
    stripped: { GITHUB_TOKEN: 'always-removed', GH_TOKEN: 'always-removed' },
  },
  {
    name: 'strips the OIDC request token and URL even when pass-env names them exactly',
    source: {
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x'.repeat(30),
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.example/idtoken',
    },
    options: { passEnv: ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL'] },
    kept: [],
    stripped: {
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'always-removed',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'always-removed',
    },
  },
  {
    name: "strips this action's inputs and state whatever pass-env says",
    source: { 'INPUT_ANTHROPIC-API-KEY': 'k'.repeat(20), INPUT_PROMPT: 'hi', STATE_x: '1' },
    options: { passEnv: ['INPUT_*', 'STATE_*', '*'] },
    kept: [],
    stripped: {
      'INPUT_ANTHROPIC-API-KEY': 'always-removed',
      INPUT_PROMPT: 'always-removed',
      STATE_x: 'always-removed',
    },
  },
  {
    name: 'strips code-injection variables even when pass-env names them exactly',
    source: {
      NODE_OPTIONS: '--require /tmp/evil.js',
      LD_PRELOAD: '/tmp/evil.so',
      BASH_ENV: '/tmp/evil.sh',
      GIT_CONFIG_COUNT: '1',
      GIT_SSH_COMMAND: 'sh -c id',
      DOCKER_HOST: 'tcp://10.0.0.1:2375',
    },
    options: {
      passEnv: [
        'NODE_OPTIONS',
        'LD_PRELOAD',
        'BASH_ENV',
        'GIT_CONFIG_COUNT',
        'GIT_SSH_COMMAND',
        'DOCKER_HOST',
      ],
    },
    kept: [],
    stripped: {
      NODE_OPTIONS: 'always-removed',
      LD_PRELOAD: 'always-removed',
      BASH_ENV: 'always-removed',
      GIT_CONFIG_COUNT: 'always-removed',
      GIT_SSH_COMMAND: 'always-removed',
      DOCKER_HOST: 'always-removed',
    },
  },
  {
    name: 'strips AWS_SECRET_ACCESS_KEY even when pass-env allows AWS_*',
    source: {
      AWS_REGION: 'eu-west-1',
      AWS_SECRET_ACCESS_KEY: 'not-a-real-one',
      AWS_ACCESS_KEY_ID: 'id',
    },
    options: { passEnv: ['AWS_*'] },
    kept: ['AWS_REGION'],
    stripped: { AWS_SECRET_ACCESS_KEY: 'credential-name', AWS_ACCESS_KEY_ID: 'credential-name' },
  },
  {
    name: 'passes a credential-named variable that pass-env names exactly, when its value is plain',
    source: { SSH_KEY_PATH: `${HOME}/.ssh/id_ed25519` },
    options: { passEnv: ['SSH_KEY_PATH'] },
    kept: ['SSH_KEY_PATH'],
    stripped: {},
  },
  {
    name: 'strips a variable named exactly in pass-env when its value is a token',
    source: { NPM_TOKEN: NPM },
    options: { passEnv: ['NPM_TOKEN'] },
    kept: [],
    stripped: { NPM_TOKEN: 'secret-value' },
  },
  {
    name: 'strips a base variable whose value looks like a secret',
    source: { GITHUB_HEAD_REF: TOKENISH, TZ: `https://u:${TOKENISH}@example.com` },
    kept: [],
    stripped: { GITHUB_HEAD_REF: 'secret-value', TZ: 'secret-value' },
  },
  {
    name: 'lets strip-env win over pass-env and over the base allowlist',
    source: { FOO_BAR: '1', FOO_BAZ: '2', GITHUB_REPOSITORY: 'o/r' },
    options: { passEnv: ['FOO_*'], stripEnv: ['FOO_BAR', 'GITHUB_REPOSITORY'] },
    kept: ['FOO_BAZ'],
    stripped: { FOO_BAR: 'strip-env', GITHUB_REPOSITORY: 'strip-env' },
  },
  {
    name: 'matches pass-env case-sensitively',
    source: { FOO: '1', foo: '2' },
    options: { passEnv: ['foo'] },
    kept: ['foo'],
    stripped: { FOO: 'not-allowed' },
  },
  {
    name: "does not pass the runner's temp folder, event payload or workspace by default",
    source: {
      RUNNER_TEMP: `${HOME}/work/_temp`,
      GITHUB_EVENT_PATH: `${HOME}/work/_temp/_github_workflow/event.json`,
      RUNNER_WORKSPACE: `${HOME}/work/repo`,
      GITHUB_ENV: `${HOME}/work/_temp/_runner_file_commands/set_env_1`,
    },
    kept: [],
    stripped: {
      RUNNER_TEMP: 'not-allowed',
      GITHUB_EVENT_PATH: 'not-allowed',
      RUNNER_WORKSPACE: 'not-allowed',
      GITHUB_ENV: 'always-removed',
    },
  },
  {
    name: 'keeps ordinary runner context: SHAs, refs, URLs, workflow refs',
    source: {
      GITHUB_SHA: '3f786850e387550fdab836ed7e6dc881de23001b',
      GITHUB_REF: 'refs/pull/1234/merge',
      GITHUB_HEAD_REF: 'dependabot/npm_and_yarn/eslint-9.1.0',
      GITHUB_WORKFLOW_REF: 'owner/repo/.github/workflows/ci.yml@refs/heads/main',
      GITHUB_SERVER_URL: 'https://github.com',
      RUNNER_NAME: 'GitHub Actions 2',
    },
    kept: [
      'GITHUB_SHA',
      'GITHUB_REF',
      'GITHUB_HEAD_REF',
      'GITHUB_WORKFLOW_REF',
      'GITHUB_SERVER_URL',
      'RUNNER_NAME',
    ],
    stripped: {},
  },
  {
    name: 'passes names that merely contain a credential word inside another word',
    source: { TOKENIZERS_PARALLELISM: 'false', GIT_AUTHOR_NAME: 'bot', MONKEY: 'yes' },
    options: { passEnv: ['*'] },
    kept: ['TOKENIZERS_PARALLELISM', 'GIT_AUTHOR_NAME', 'MONKEY'],
    stripped: {},
  },
  {
    name: 'reports a name listed with an undefined value as stripped',
    source: { PATH: undefined },
    kept: [],
    stripped: { PATH: 'unset' },
  },
  {
    name: 'keeps a variable named __proto__ as an own property, never losing it',
    source: JSON.parse('{"__proto__": "x", "PATH": "/bin"}') as Record<string, string>,
    options: { passEnv: ['__proto__'] },
    kept: ['__proto__', 'PATH'],
    stripped: {},
  },
]

describe('buildAgentEnvironment', () => {
  it.each(cases)('$name', ({ source, options, kept, stripped }) => {
    const result = buildAgentEnvironment(source, { ...none, ...options })
    expect(Object.keys(result.env).sort()).toEqual([...kept].sort())
    for (const name of kept) expect(result.env[name]).toBe(source[name])
    for (const [name, reason] of Object.entries(stripped)) {
      expect(result.reasons[name]).toBe(reason)
    }
    expect(result.stripped).toEqual(Object.keys(result.reasons).sort())
  })

  it('collects removed values once each, without empty values', () => {
    const result = buildAgentEnvironment(
      { GITHUB_TOKEN: GHS, GH_TOKEN: GHS, EMPTY: '', NPM_TOKEN: NPM, CUSTOM: 'hunter2hunter2' },
      none,
    )
    expect(result.strippedValues.sort()).toEqual([GHS, NPM, 'hunter2hunter2'].sort())
  })

  it('masks what is or looks like a credential, never the value of an input that holds a setting', () => {
    const result = buildAgentEnvironment(
      {
        GITHUB_TOKEN: GHS,
        CUSTOM: 'hunter2hunter2',
        SHORT_TOKEN: 'abc',
        'INPUT_PASS-ENV': 'MY_PASSWORD_NAME',
        'INPUT_FAIL-ON': 'violation',
        'INPUT_ANTHROPIC-API-KEY': 'some-model-key-value',
        INPUT_MODEL: NPM,
      },
      none,
    )
    expect(result.maskedValues.sort()).toEqual([GHS, NPM, 'some-model-key-value'].sort())
    expect(result.strippedValues).not.toContain('MY_PASSWORD_NAME')
    expect(result.strippedValues).not.toContain('violation')
    expect(result.strippedValues).toContain('some-model-key-value')
    expect(result.strippedValues).toContain(NPM)
  })

  it('leaves plain paths of merely unlisted variables out of the values to redact', () => {
    const workspace = `${HOME}/work/repo`
    const fileCommand = `${HOME}/work/_temp/_runner_file_commands/set_env_1`
    const result = buildAgentEnvironment(
      { RUNNER_WORKSPACE: workspace, GITHUB_ENV: fileCommand, HOOK: '/services/T0/B0/' + TOKENISH },
      { passEnv: [], stripEnv: [] },
    )
    expect(result.strippedValues).not.toContain(workspace)
    expect(result.strippedValues).toContain(fileCommand)
    expect(result.strippedValues).toContain('/services/T0/B0/' + TOKENISH)
  })

  it('sorts the stripped names', () => {
    const result = buildAgentEnvironment({ B: '1', A: '2', C: '3' }, none)
    expect(result.stripped).toEqual(['A', 'B', 'C'])
  })
})

const names = fc.oneof(
  fc.constantFrom(
    ...BASE_ENV_ALLOWLIST.map((r) => r.pattern.replace('*', 'ALL')),
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'INPUT_GITHUB-TOKEN',
    'STATE_airlock',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'NODE_OPTIONS',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'NPM_TOKEN',
    '__proto__',
    'constructor',
  ),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
)
const values = fc.oneof(
  fc.string(),
  fc.constantFrom(GHS, NPM, TOKENISH, '', '/usr/bin', 'true', `https://u:${TOKENISH}@h/`),
)
const patterns = fc.oneof(
  fc.constantFrom('*', 'GITHUB_*', 'AWS_*', 'INPUT_*', 'NODE_OPTIONS', 'NPM_TOKEN', '*_TOKEN'),
  fc.stringMatching(/^[A-Za-z_*]{1,8}$/),
)
const sources = fc.dictionary(names, values, { maxKeys: 20 })
const optionSets = fc.record({
  passEnv: fc.array(patterns, { maxLength: 4 }),
  stripEnv: fc.array(patterns, { maxLength: 2 }),
})

describe('buildAgentEnvironment (properties)', () => {
  it('puts every source name in exactly one of env and stripped', () => {
    fc.assert(
      fc.property(sources, optionSets, (source, options) => {
        const result = buildAgentEnvironment(source, options)
        const kept = Object.keys(result.env)
        expect([...kept, ...result.stripped].sort()).toEqual(Object.keys(source).sort())
        expect(kept.filter((name) => result.stripped.includes(name))).toEqual([])
      }),
      { numRuns: 300 },
    )
  })

  it('never keeps an always-removed name, whatever pass-env says', () => {
    const removedNames = fc.oneof(
      fc.constantFrom(
        ...ALWAYS_REMOVED_ENV.filter((r) => !r.pattern.includes('*')).map((r) => r.pattern),
      ),
      fc
        .tuple(
          fc.constantFrom(
            ...ALWAYS_REMOVED_ENV.filter((r) => r.pattern.endsWith('*')).map((r) =>
              r.pattern.slice(0, -1),
            ),
          ),
          fc.stringMatching(/^[A-Za-z0-9_-]{0,10}$/),
        )
        .map(([prefix, rest]) => prefix + rest),
    )
    fc.assert(
      fc.property(removedNames, values, optionSets, (name, value, options) => {
        const passEnv = [...options.passEnv, '*', name]
        const result = buildAgentEnvironment({ [name]: value }, { passEnv, stripEnv: [] })
        expect(Object.keys(result.env)).toEqual([])
        expect(result.reasons[name]).toBe('always-removed')
      }),
      { numRuns: 300 },
    )
  })

  it('never keeps a value that looks like a secret', () => {
    fc.assert(
      fc.property(sources, optionSets, (source, options) => {
        const result = buildAgentEnvironment(source, options)
        for (const value of Object.values(result.env)) expect(looksLikeSecret(value)).toBeNull()
      }),
      { numRuns: 300 },
    )
  })

  it('never keeps a name matched by strip-env', () => {
    fc.assert(
      fc.property(sources, optionSets, (source, options) => {
        const result = buildAgentEnvironment(source, options)
        const isStripped = picomatch(options.stripEnv.length > 0 ? options.stripEnv : ['\u0000'], {
          dot: true,
        })
        for (const name of Object.keys(result.env)) expect(isStripped(name)).toBe(false)
      }),
      { numRuns: 300 },
    )
  })
})

describe('isAlwaysRemoved', () => {
  it.each([
    ['GITHUB_TOKEN', true],
    ['ACTIONS_RUNTIME_TOKEN', true],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', true],
    ['INPUT_ANTHROPIC-API-KEY', true],
    ['STATE_airlock-restore-plan', true],
    ['GITHUB_STEP_SUMMARY', true],
    ['ANTHROPIC_API_KEY', true],
    ['CLAUDE_CODE_OAUTH_TOKEN', true],
    ['GIT_CONFIG_PARAMETERS', true],
    ['SSH_AUTH_SOCK', true],
    ['PATH', false],
    ['GITHUB_SHA', false],
    ['github_token', false],
    ['INPUT', false],
  ])('%s → %s', (name, expected) => {
    expect(isAlwaysRemoved(name)).toBe(expected)
  })
})

describe('isCredentialName', () => {
  it.each([
    ['NPM_TOKEN', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['AWS_ACCESS_KEY_ID', true],
    ['DB_PASS', true],
    ['PGPASSWORD', true],
    ['SENTRY_DSN', true],
    ['node_auth_token', true],
    ['MySecretThing', true],
    ['TOKENIZERS_PARALLELISM', false],
    ['GIT_AUTHOR_NAME', false],
    ['KEYBOARD_LAYOUT', false],
    ['AWS_REGION', false],
  ])('%s → %s', (name, expected) => {
    expect(isCredentialName(name)).toBe(expected)
  })
})

describe('defaults', () => {
  const isBase = picomatch(BASE_ENV_ALLOWLIST.map((r) => r.pattern))

  it('allows no credential-named and no always-removed name by default', () => {
    for (const { pattern } of BASE_ENV_ALLOWLIST) {
      expect(isCredentialName(pattern), pattern).toBe(false)
      expect(isAlwaysRemoved(pattern), pattern).toBe(false)
    }
  })

  it("keeps the runner's own folders out of the base allowlist", () => {
    for (const { pattern } of EXCLUDED_RUNNER_ENV) expect(isBase(pattern), pattern).toBe(false)
  })

  it('gives a reason for every entry', () => {
    for (const rule of [...BASE_ENV_ALLOWLIST, ...EXCLUDED_RUNNER_ENV, ...ALWAYS_REMOVED_ENV]) {
      expect(rule.reason.length, rule.pattern).toBeGreaterThan(5)
    }
  })
})

describe('describeEnvironment', () => {
  it('counts kept and stripped variables and those caught by value', () => {
    const result = buildAgentEnvironment(
      { PATH: '/bin', HOME, GITHUB_TOKEN: GHS, TZ: NPM, X: 'y' },
      none,
    )
    expect(describeEnvironment(result)).toBe('kept 2 variables, stripped 3 (1 by value)')
  })

  it('says "variable" for one and names no variable or value', () => {
    const result = buildAgentEnvironment({ PATH: '/bin', GH_TOKEN: GHS }, none)
    const line = describeEnvironment(result)
    expect(line).toBe('kept 1 variable, stripped 1 (0 by value)')
    expect(line).not.toContain('GH_TOKEN')
    expect(line).not.toContain(GHS)
  })
})

describe('matcher', () => {
  const picomatchOf = (patterns: string[]): ((name: string) => boolean) => {
    const usable = patterns.filter((p) => p !== '')
    return usable.length === 0 ? () => false : picomatch(usable, { dot: true })
  }
  const defaults = [ALWAYS_REMOVED_ENV, BASE_ENV_ALLOWLIST, EXCLUDED_RUNNER_ENV].map((rules) =>
    rules.map((rule) => rule.pattern),
  )
  const names = [
    ...defaults.flat(),
    ...defaults.flat().map((p) => p.replace(/\*/g, 'X_1')),
    '',
    '.hidden',
    'LC_ALL',
    'lc_all',
    'INPUT_',
    'INPUT_ANTHROPIC-API-KEY',
    'GIT_CONFIG_COUNT',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'PATHX',
    'XPATH',
    'a/b',
    '!PATH',
    '__proto__',
  ]

  it.each(defaults.map((patterns, i) => [i, patterns] as const))(
    'answers as picomatch does for the built-in list %i',
    (_i, patterns) => {
      const ours = matcher(patterns)
      const theirs = picomatchOf(patterns)
      for (const name of names) expect(ours(name), name).toBe(theirs(name))
    },
  )

  it('answers as picomatch does for any patterns and names (property)', () => {
    const char = fc.constantFrom(...'AZaz09_-.*?[]{}!()+@,/\\^$|'.split(''))
    const text = fc.array(char, { maxLength: 8 }).map((chars) => chars.join(''))
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 5 }),
        fc.array(text, { maxLength: 10 }),
        (patterns, candidates) => {
          const ours = matcher(patterns)
          const theirs = picomatchOf(patterns)
          for (const name of [...candidates, ...patterns]) {
            if (ours(name) !== theirs(name)) return false
          }
          return true
        },
      ),
      { numRuns: 2000 },
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  InputError,
  parseConfig,
  parseLines,
  parseList,
  splitArgs,
  validateClaudeArgs,
} from '../../src/inputs/config.js'
import type { Config, RawInputs } from '../../src/inputs/config.js'
import {
  DEFAULT_CLAUDE_VERSION,
  DEFAULT_TIMEOUT_MINUTES,
  SAFE_CLAUDE_ARGS,
} from '../../src/lock/defaults.js'
import { shellQuote } from '../../src/lock/policy.js'

const WS = '/home/runner/work/repo/repo'
// Assembled so this file does not trip secret scanners.
const API_KEY = 'sk-ant-' + 'api03-' + 'Qm4Zt8Lw2Xr6Vn1Pk9Hs3Jd7Fb5Gc0Ya'
const OAUTH = 'sk-ant-' + 'oat01-' + 'Rf6Nc2Wq8Tz4Lm1Xv7Hp3Kb9Gs5Jd0Ea'

/** Valid inputs (a prompt and a model key) plus the ones a case sets. */
function raw(overrides: Record<string, string> = {}): RawInputs {
  return { prompt: 'Fix the failing test', 'anthropic-api-key': API_KEY, ...overrides }
}

function parse(overrides: Record<string, string> = {}, promptFileText?: string | null): Config {
  return parseConfig(raw(overrides), { workspace: WS, promptFileText })
}

/** The InputError a parse throws (fails the test when it does not throw one). */
function refusal(overrides: Record<string, string>, promptFileText?: string | null): InputError {
  try {
    parse(overrides, promptFileText)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(overrides)}`)
}

describe('parseList', () => {
  it.each([
    { text: '', list: [] },
    { text: 'a,b', list: ['a', 'b'] },
    { text: 'a\nb', list: ['a', 'b'] },
    { text: ' a , b \n\n c ', list: ['a', 'b', 'c'] },
    { text: 'a,,b,\n,', list: ['a', 'b'] },
    { text: '# comment\nNPM_*\n  # indented comment\nCI', list: ['NPM_*', 'CI'] },
    { text: 'a\r\nb', list: ['a', 'b'] },
  ])('splits $text on newlines and commas, dropping blanks and comments', ({ text, list }) => {
    expect(parseList(text)).toEqual(list)
  })

  it('never returns a blank entry, a comment, a separator or untrimmed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (text) => {
        for (const entry of parseList(text)) {
          expect(entry).not.toBe('')
          expect(entry.startsWith('#')).toBe(false)
          expect(entry).not.toMatch(/[\n,]/)
          expect(entry).toBe(entry.trim())
        }
      }),
    )
  })
})

describe('parseLines', () => {
  it('keeps commas inside an entry, such as a deny rule', () => {
    expect(parseLines('Bash(git push --force, anything)\n# note\n\n  Read(//a,b)  ')).toEqual([
      'Bash(git push --force, anything)',
      'Read(//a,b)',
    ])
  })

  it('returns nothing for blank text', () => {
    expect(parseLines(' \n\n\t\n')).toEqual([])
  })
})

describe('splitArgs', () => {
  it.each([
    { text: '', args: [] },
    { text: '   \n\t ', args: [] },
    { text: '--effort high', args: ['--effort', 'high'] },
    { text: '\t--effort\n  high  ', args: ['--effort', 'high'] },
    {
      text: '--append-system-prompt "be brief, please"',
      args: ['--append-system-prompt', 'be brief, please'],
    },
    { text: "--system-prompt 'a b'  c", args: ['--system-prompt', 'a b', 'c'] },
    { text: String.raw`"say \"hi\""`, args: ['say "hi"'] },
    { text: String.raw`'a\b'`, args: [String.raw`a\b`] },
    { text: String.raw`a\ b`, args: ['a b'] },
    { text: String.raw`\"`, args: ['"'] },
    { text: `"it's"`, args: ["it's"] },
    { text: `'say "x"'`, args: ['say "x"'] },
    { text: `--x ''`, args: ['--x', ''] },
    { text: `a"b c"d`, args: ['ab cd'] },
    { text: String.raw`trailing\ `, args: ['trailing '] },
    { text: 'end\\\\', args: ['end\\'] },
    { text: 'lone\\', args: ['lone\\'] },
  ])('splits $text without a shell', ({ text, args }) => {
    expect(splitArgs(text)).toEqual(args)
  })

  it('expands nothing: variables, command substitution, globs and ~ stay literal', () => {
    expect(splitArgs('$HOME $(id) `id` * ~ ${PATH} a;b a|b a&&b >out')).toEqual([
      '$HOME',
      '$(id)',
      '`id`',
      '*',
      '~',
      '${PATH}',
      'a;b',
      'a|b',
      'a&&b',
      '>out',
    ])
  })

  it.each([`"abc`, `'abc`, `--system-prompt "unclosed 'inner'`, `'a' "`])(
    'refuses an unclosed quote in %s',
    (text) => {
      expect(() => splitArgs(text)).toThrow(InputError)
      expect(() => splitArgs(text)).toThrow(/^Input 'claude-args' has an unclosed ["'] quote/)
    },
  )

  it('gives back any argument list written with POSIX single quotes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary-ascii' })), (args) => {
        expect(splitArgs(args.map(shellQuote).join(' '))).toEqual(args)
      }),
    )
  })
})

describe('validateClaudeArgs', () => {
  it.each([
    { args: [] },
    { args: ['--effort', 'high'] },
    { args: ['--effort=high'] },
    { args: ['--append-system-prompt', 'Answer in French.', '--max-budget-usd', '2'] },
    { args: ['--system-prompt=a=b=c'] },
    { args: ['--fallback-model', 'claude-sonnet-4-5'] },
    { args: ['--disallowedTools', 'WebFetch', '--disallowed-tools=Bash(curl *)'] },
    { args: ['--betas', 'interleaved-thinking-2025-05-14'] },
  ])('passes the lock-neutral flags $args unchanged', ({ args }) => {
    expect(validateClaudeArgs(args)).toEqual(args)
  })

  it('allows exactly the flags that cannot weaken the lock', () => {
    expect([...SAFE_CLAUDE_ARGS.keys()].sort()).toEqual([
      '--append-system-prompt',
      '--betas',
      '--disallowed-tools',
      '--disallowedTools',
      '--effort',
      '--fallback-model',
      '--max-budget-usd',
      '--system-prompt',
    ])
  })

  it.each([
    { args: ['--settings', '/tmp/weak.json'], flag: '--settings' },
    { args: ['--settings={"sandbox":{"enabled":false}}'], flag: '--settings' },
    { args: ['--permission-mode', 'bypassPermissions'], flag: '--permission-mode' },
    { args: ['--permission-mode=default'], flag: '--permission-mode' },
    { args: ['--mcp-config', '.mcp.json'], flag: '--mcp-config' },
    { args: ['--add-dir', '/'], flag: '--add-dir' },
    { args: ['--tools', 'Bash,Read,Write,Task'], flag: '--tools' },
    { args: ['--dangerously-skip-permissions'], flag: '--dangerously-skip-permissions' },
    {
      args: ['--allow-dangerously-skip-permissions'],
      flag: '--allow-dangerously-skip-permissions',
    },
    { args: ['--setting-sources', 'user,project,local'], flag: '--setting-sources' },
    { args: ['--setting-sources=project'], flag: '--setting-sources' },
    { args: ['--allowedTools', 'Bash'], flag: '--allowedTools' },
    { args: ['--allowed-tools', 'Bash'], flag: '--allowed-tools' },
    { args: ['--plugin-dir', './evil-plugin'], flag: '--plugin-dir' },
    { args: ['--strict-mcp-config'], flag: '--strict-mcp-config' },
    { args: ['--model', 'x'], flag: '--model' },
    { args: ['--max-turns', '9999'], flag: '--max-turns' },
    { args: ['--output-format', 'text'], flag: '--output-format' },
    { args: ['--resume', 'abc'], flag: '--resume' },
    { args: ['-p', 'another prompt'], flag: '-p' },
    { args: ['--', '--settings'], flag: '--' },
    { args: ['a-positional-word'], flag: 'a-positional-word' },
    { args: ['--effort', 'high', '--settings', 'x.json'], flag: '--settings' },
    { args: ['--effort=high', '--add-dir=/'], flag: '--add-dir' },
  ])('refuses $flag in $args', ({ args, flag }) => {
    expect(() => validateClaudeArgs(args)).toThrow(InputError)
    expect(() => validateClaudeArgs(args)).toThrow(
      `Input 'claude-args' contains '${flag}', which Airlock does not pass to the CLI; allowed flags are --append-system-prompt, `,
    )
  })

  it('refuses a value-taking flag at the end, with nothing after it', () => {
    expect(() => validateClaudeArgs(['--effort'])).toThrow(
      new InputError(`Input 'claude-args' ends with '--effort', which needs a value.`),
    )
  })

  it('quotes at most 40 characters of a refused argument', () => {
    const long = '--' + 'x'.repeat(200)
    const error = (() => {
      try {
        validateClaudeArgs([long])
      } catch (e) {
        return e as Error
      }
      throw new Error('accepted')
    })()
    expect(error.message).toContain(`'${long.slice(0, 40)}'`)
    expect(error.message).not.toContain(long.slice(0, 41))
  })

  it('never lets through an argument that is not a safe flag or the value right after one', () => {
    const word = fc.oneof(
      fc.constantFrom(...SAFE_CLAUDE_ARGS.keys(), '--settings', '--add-dir', '--tools', '-p', 'x'),
      fc.string({ maxLength: 12 }),
    )
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (args) => {
        let out: string[]
        try {
          out = validateClaudeArgs(args)
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          return
        }
        expect(out).toEqual(args)
        for (let i = 0; i < out.length; i++) {
          const flag = (out[i] ?? '').split('=')[0] ?? ''
          expect(SAFE_CLAUDE_ARGS.has(flag)).toBe(true)
          if (SAFE_CLAUDE_ARGS.get(flag) === true && !(out[i] ?? '').includes('=')) i++
        }
      }),
    )
  })
})

describe('parseConfig', () => {
  it('fills every optional input with its documented default', () => {
    expect(parse()).toEqual({
      prompt: 'Fix the failing test',
      promptSource: 'input',
      modelCredential: { name: 'ANTHROPIC_API_KEY', value: API_KEY },
      anthropicBaseUrl: null,
      githubToken: '',
      isolation: 'vm-or-container',
      passEnv: [],
      stripEnv: [],
      allowedDomains: [],
      allowWrite: [],
      deny: [],
      protectedPaths: [],
      sandbox: 'required',
      failOn: 'violation',
      comment: 'always',
      model: null,
      maxTurns: null,
      timeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
      claudeArgs: [],
      claudeVersion: DEFAULT_CLAUDE_VERSION,
      claudePath: null,
      allowedActors: [],
      matrix: '',
      workspace: WS,
    })
  })

  it('returns a frozen config that later stages cannot change', () => {
    const config = parse()
    expect(Object.isFrozen(config)).toBe(true)
    expect(() => {
      ;(config as { sandbox: string }).sandbox = 'off'
    }).toThrow(TypeError)
    expect(config.sandbox).toBe('required')
  })

  it('resolves the workspace to an absolute path', () => {
    expect(
      parseConfig(raw(), { workspace: '/home/runner/work/repo/repo/../repo/.' }).workspace,
    ).toBe(WS)
  })

  describe('choice inputs', () => {
    const choices = [
      { name: 'isolation', key: 'isolation', values: ['container', 'vm-or-container', 'none'] },
      { name: 'sandbox', key: 'sandbox', values: ['required', 'best-effort', 'off'] },
      { name: 'fail-on', key: 'failOn', values: ['violation', 'denial', 'never'] },
      { name: 'comment', key: 'comment', values: ['always', 'on-change', 'never'] },
    ] as const

    it.each(choices.flatMap((c) => c.values.map((value) => ({ ...c, value }))))(
      "accepts $name: '$value' (surrounding whitespace ignored)",
      ({ name, key, value }) => {
        expect(parse({ [name]: ` ${value}\n` })[key]).toBe(value)
      },
    )

    it.each(
      choices.flatMap((c) =>
        ['Required', 'yes', 'true', 'on', 'false', 'none,off', 'best effort'].map((value) => ({
          ...c,
          value,
        })),
      ),
    )("refuses $name: '$value' and lists what it accepts", ({ name, values, value }) => {
      expect(refusal({ [name]: value }).message).toBe(
        `Input '${name}' is '${value}', but it accepts only ${values.map((v) => `'${v}'`).join(', ')}.`,
      )
    })
  })

  describe('numbers', () => {
    it.each([
      { name: 'max-turns', value: '1', key: 'maxTurns', parsed: 1 },
      { name: 'max-turns', value: ' 25 ', key: 'maxTurns', parsed: 25 },
      { name: 'max-turns', value: '1000', key: 'maxTurns', parsed: 1000 },
      { name: 'max-turns', value: '007', key: 'maxTurns', parsed: 7 },
      { name: 'timeout-minutes', value: '1', key: 'timeoutMinutes', parsed: 1 },
      { name: 'timeout-minutes', value: '360', key: 'timeoutMinutes', parsed: 360 },
    ] as const)("accepts $name: '$value'", ({ name, value, key, parsed }) => {
      expect(parse({ [name]: value })[key]).toBe(parsed)
    })

    it.each([
      ...['0', '1001', '-1', '1.5', '1e3', '0x10', 'ten', '+5', '5 turns'].map((value) => ({
        name: 'max-turns',
        value,
        max: 1000,
      })),
      ...['0', '361', '-30', '30m', '2.5', 'Infinity'].map((value) => ({
        name: 'timeout-minutes',
        value,
        max: 360,
      })),
    ])("refuses $name: '$value'", ({ name, value, max }) => {
      expect(refusal({ [name]: value }).message).toBe(
        `Input '${name}' is '${value}', but it accepts a whole number from 1 to ${max}.`,
      )
    })
  })

  describe('claude-version and claude-path', () => {
    it.each(['2.1.197', '1.0.0', ' 10.20.30 '])("accepts claude-version: '%s'", (value) => {
      expect(parse({ 'claude-version': value }).claudeVersion).toBe(value.trim())
    })

    it.each(['latest', '^2.1.0', '~2.1.197', '2.1', 'v2.1.197', '2.1.197-beta.1', '2.1.x', '*'])(
      "refuses claude-version: '%s' and asks for an exact version",
      (value) => {
        expect(refusal({ 'claude-version': value }).message).toBe(
          `Input 'claude-version' is '${value}'; give an exact version such as ${DEFAULT_CLAUDE_VERSION}.`,
        )
      },
    )

    it.each([
      { value: '/opt/claude/bin/claude', resolved: '/opt/claude/bin/claude' },
      { value: 'tools/claude', resolved: `${WS}/tools/claude` },
      { value: '  ', resolved: null },
    ])("resolves claude-path: '$value' against the workspace", ({ value, resolved }) => {
      expect(parse({ 'claude-path': value }).claudePath).toBe(resolved)
    })

    it('trims github-token and keeps it for the action alone', () => {
      expect(parse({ 'github-token': ' ghs_token-for-the-comment\n' }).githubToken).toBe(
        'ghs_token-for-the-comment',
      )
    })

    it('trims model and treats a blank one as not given', () => {
      expect(parse({ model: ' claude-sonnet-4-5 ' }).model).toBe('claude-sonnet-4-5')
      expect(parse({ model: '  ' }).model).toBeNull()
    })
  })

  describe('prompt and prompt-file', () => {
    it('keeps the prompt text exactly as given', () => {
      const config = parse({ prompt: '  Fix it.\n\nThen run the tests.\n' })
      expect(config.prompt).toBe('  Fix it.\n\nThen run the tests.\n')
      expect(config.promptSource).toBe('input')
    })

    it('reads the prompt from the prompt file and says where it came from', () => {
      const config = parse({ prompt: '', 'prompt-file': ' .github/prompt.md ' }, 'Review this PR.')
      expect(config.prompt).toBe('Review this PR.')
      expect(config.promptSource).toBe('.github/prompt.md')
    })

    it('uses the prompt file when the prompt input is only whitespace', () => {
      expect(parse({ prompt: ' \n ', 'prompt-file': 'p.md' }, 'From the file.').prompt).toBe(
        'From the file.',
      )
    })

    it.each<{
      name: string
      inputs: Record<string, string>
      text: string | null | undefined
      message: string
    }>([
      {
        name: 'refuses prompt and prompt-file together',
        inputs: { prompt: 'Do X', 'prompt-file': 'p.md' },
        text: 'Do Y',
        message: `Inputs 'prompt' and 'prompt-file' are both set; give exactly one of them.`,
      },
      {
        name: 'refuses a missing prompt',
        inputs: { prompt: '' },
        text: undefined,
        message: `Input 'prompt' is missing; give the agent's task in 'prompt' or 'prompt-file'.`,
      },
      {
        name: 'refuses a prompt of whitespace only',
        inputs: { prompt: ' \n\t ' },
        text: undefined,
        message: `Input 'prompt' is missing; give the agent's task in 'prompt' or 'prompt-file'.`,
      },
      {
        name: 'refuses a prompt file that could not be read',
        inputs: { prompt: '', 'prompt-file': 'missing.md' },
        text: null,
        message: `Input 'prompt-file' names 'missing.md', which cannot be read; give a readable file path.`,
      },
      {
        name: 'refuses a prompt file whose text was not given at all',
        inputs: { prompt: '', 'prompt-file': 'missing.md' },
        text: undefined,
        message: `Input 'prompt-file' names 'missing.md', which cannot be read; give a readable file path.`,
      },
      {
        name: 'refuses an empty prompt file',
        inputs: { prompt: '', 'prompt-file': 'empty.md' },
        text: '',
        message: `Input 'prompt-file' names 'empty.md', which is empty; the agent needs a prompt.`,
      },
      {
        name: 'refuses a prompt file of whitespace only',
        inputs: { prompt: '', 'prompt-file': 'blank.md' },
        text: '\n  \n',
        message: `Input 'prompt-file' names 'blank.md', which is empty; the agent needs a prompt.`,
      },
    ])('$name', ({ inputs, text, message }) => {
      expect(refusal(inputs, text).message).toBe(message)
    })
  })

  describe('model credential', () => {
    it('uses the API key as ANTHROPIC_API_KEY, trimmed', () => {
      expect(parse({ 'anthropic-api-key': ` ${API_KEY}\n` }).modelCredential).toEqual({
        name: 'ANTHROPIC_API_KEY',
        value: API_KEY,
      })
    })

    it('uses the OAuth token as CLAUDE_CODE_OAUTH_TOKEN', () => {
      expect(
        parse({ 'anthropic-api-key': '', 'claude-code-oauth-token': OAUTH }).modelCredential,
      ).toEqual({ name: 'CLAUDE_CODE_OAUTH_TOKEN', value: OAUTH })
    })

    it('refuses both an API key and an OAuth token, without repeating either', () => {
      const message = refusal({ 'claude-code-oauth-token': OAUTH }).message
      expect(message).toBe(
        `Inputs 'anthropic-api-key' and 'claude-code-oauth-token' are both set; give exactly one.`,
      )
    })

    it.each(['', '  \n'])("refuses a missing model credential ('%s')", (value) => {
      expect(refusal({ 'anthropic-api-key': value }).message).toBe(
        `Input 'anthropic-api-key' is missing; pass your model key from a secret, e.g. anthropic-api-key: \${{ secrets.ANTHROPIC_API_KEY }} (or use 'claude-code-oauth-token').`,
      )
    })
  })

  describe('anthropic-base-url', () => {
    it.each([
      'https://gateway.example.com',
      'https://gateway.example.com/anthropic/v1',
      'http://127.0.0.1:8080',
    ])("accepts '%s'", (value) => {
      expect(parse({ 'anthropic-base-url': ` ${value} ` }).anthropicBaseUrl).toBe(value)
    })

    it.each([
      {
        value: 'gateway.example.com',
        message: `Input 'anthropic-base-url' is not a URL; give an http(s) URL such as https://gateway.example.com.`,
      },
      {
        value: 'https://',
        message: `Input 'anthropic-base-url' is not a URL; give an http(s) URL such as https://gateway.example.com.`,
      },
      {
        value: 'ftp://gateway.example.com',
        message: `Input 'anthropic-base-url' must be an https URL (plain http only to localhost), so the key never crosses a network in clear text.`,
      },
      {
        value: 'file:///etc/passwd',
        message: `Input 'anthropic-base-url' must be an https URL (plain http only to localhost), so the key never crosses a network in clear text.`,
      },
      {
        value: 'javascript:alert(1)',
        message: `Input 'anthropic-base-url' must be an https URL (plain http only to localhost), so the key never crosses a network in clear text.`,
      },
      {
        value: `https://user:${API_KEY}@gateway.example.com`,
        message: `Input 'anthropic-base-url' contains credentials; pass the key through 'anthropic-api-key' instead.`,
      },
      {
        value: `https://${API_KEY}@gateway.example.com`,
        message: `Input 'anthropic-base-url' contains credentials; pass the key through 'anthropic-api-key' instead.`,
      },
      {
        value: `https://:${API_KEY}@gateway.example.com`,
        message: `Input 'anthropic-base-url' contains credentials; pass the key through 'anthropic-api-key' instead.`,
      },
    ])("refuses '$value'", ({ value, message }) => {
      expect(refusal({ 'anthropic-base-url': value }).message).toBe(message)
    })
  })

  describe('allowed-domains', () => {
    it('accepts host names, wildcards, IP literals and localhost, split on commas and lines', () => {
      expect(
        parse({
          'allowed-domains':
            'registry.npmjs.org, *.github.com\n# docs\nlocalhost\n127.0.0.1\nxn--bcher-kva.example\nA-B.Example.ORG',
        }).allowedDomains,
      ).toEqual([
        'registry.npmjs.org',
        '*.github.com',
        'localhost',
        '127.0.0.1',
        'xn--bcher-kva.example',
        'A-B.Example.ORG',
      ])
    })

    it.each([
      'https://registry.npmjs.org',
      'registry.npmjs.org/path',
      'registry.npmjs.org:443',
      '*',
      '*.',
      '*.*.github.com',
      'api.*.github.com',
      '-leading.example.com',
      'trailing-.example.com',
      'double..dot.com',
      'trailing.dot.com.',
      '.leading.dot.com',
      'user@example.com',
      'under_score.example.com',
      'spa ce.example.com',
      '[::1]',
      'exämple.com',
    ])("refuses '%s' and asks for a bare host name", (value) => {
      expect(refusal({ 'allowed-domains': `example.org\n${value}` }).message).toBe(
        `Input 'allowed-domains' has '${value}', which is not a host name; give host names such as 'registry.npmjs.org' or '*.github.com', without scheme or path.`,
      )
    })
  })

  describe('allow-write', () => {
    it.each([
      { value: 'build', resolved: [`${WS}/build`] },
      { value: '../scratch', resolved: ['/home/runner/work/repo/scratch'] },
      { value: '/opt/cache, ./out/', resolved: ['/opt/cache', `${WS}/out`] },
      { value: 'a~b', resolved: [`${WS}/a~b`] },
    ])("resolves '$value' against the workspace", ({ value, resolved }) => {
      expect(parse({ 'allow-write': value }).allowWrite).toEqual(resolved)
    })

    it.each([
      '/',
      '//',
      '/..',
      '/tmp/..',
      '/./',
      '../../../../../..',
      '~',
      '~/',
      '~/.ssh',
      '~root',
    ])("refuses '%s' (the root or a home path)", (value) => {
      expect(refusal({ 'allow-write': `build\n${value}` }).message).toBe(
        `Input 'allow-write' has '${value}'; give a folder inside or beside the workspace, not '/', a system folder, a home folder or a parent of the workspace.`,
      )
    })
  })

  it.each([
    { name: 'pass-env', key: 'passEnv', text: 'NPM_*, CI_*\nFOO', list: ['NPM_*', 'CI_*', 'FOO'] },
    { name: 'strip-env', key: 'stripEnv', text: 'SECRET_*', list: ['SECRET_*'] },
    {
      name: 'protected-paths',
      key: 'protectedPaths',
      text: 'infra/**\n!docs/**',
      list: ['infra/**', '!docs/**'],
    },
    { name: 'allowed-actors', key: 'allowedActors', text: 'alice, bob', list: ['alice', 'bob'] },
    {
      name: 'deny',
      key: 'deny',
      text: 'Bash(curl *)\nBash(git push origin main, --tags)\n# x\nWebFetch',
      list: ['Bash(curl *)', 'Bash(git push origin main, --tags)', 'WebFetch'],
    },
  ] as const)('reads the list input $name', ({ name, key, text, list }) => {
    expect(parse({ [name]: text })[key]).toEqual(list)
  })

  it('splits and checks claude-args', () => {
    expect(
      parse({ 'claude-args': `--append-system-prompt "Be brief." --effort=low` }).claudeArgs,
    ).toEqual(['--append-system-prompt', 'Be brief.', '--effort=low'])
    expect(
      refusal({ 'claude-args': `--settings '{"sandbox":{"enabled":false}}'` }).message,
    ).toMatch(/^Input 'claude-args' contains '--settings', which Airlock does not pass to the CLI;/)
    expect(refusal({ 'claude-args': `--effort "high` }).message).toBe(
      `Input 'claude-args' has an unclosed " quote; close it or remove it.`,
    )
  })

  /** One refused value per input, and a piece of the message that says what the input accepts. */
  const refusals: { name: string; inputs: Record<string, string>; accepts: string }[] = [
    { name: 'prompt', inputs: { prompt: '' }, accepts: "give the agent's task" },
    {
      name: 'prompt-file',
      inputs: { prompt: '', 'prompt-file': 'p.md' },
      accepts: 'readable file',
    },
    { name: 'anthropic-api-key', inputs: { 'anthropic-api-key': '' }, accepts: 'from a secret' },
    {
      name: 'claude-code-oauth-token',
      inputs: { 'claude-code-oauth-token': OAUTH },
      accepts: 'exactly one',
    },
    { name: 'anthropic-base-url', inputs: { 'anthropic-base-url': 'x' }, accepts: 'http(s) URL' },
    { name: 'isolation', inputs: { isolation: 'vm' }, accepts: "'container'" },
    { name: 'allowed-domains', inputs: { 'allowed-domains': 'a/b' }, accepts: 'host names' },
    { name: 'allow-write', inputs: { 'allow-write': '/' }, accepts: 'folder inside or beside' },
    { name: 'sandbox', inputs: { sandbox: 'no' }, accepts: "'best-effort'" },
    { name: 'fail-on', inputs: { 'fail-on': 'x' }, accepts: "'denial'" },
    { name: 'comment', inputs: { comment: 'x' }, accepts: "'on-change'" },
    { name: 'max-turns', inputs: { 'max-turns': 'x' }, accepts: 'whole number' },
    { name: 'timeout-minutes', inputs: { 'timeout-minutes': 'x' }, accepts: 'whole number' },
    { name: 'claude-args', inputs: { 'claude-args': '--add-dir /' }, accepts: 'allowed flags' },
    { name: 'claude-version', inputs: { 'claude-version': 'x' }, accepts: 'exact version' },
  ]

  it.each(refusals)(
    'refuses a bad $name in one sentence that names the input and what it accepts',
    ({ name, inputs, accepts }) => {
      const { message } = refusal(inputs)
      expect(message).toMatch(/^Inputs? '/)
      expect(message).toContain(`'${name}'`)
      expect(message).toContain(accepts)
      expect(message).not.toContain('\n')
      expect(message).toMatch(/[.]$/)
      expect(message).not.toMatch(/[.!?] [A-Z]/)
    },
  )

  it('never repeats the API key or the OAuth token in an error message', () => {
    const secret = fc
      .string({
        unit: fc.constantFrom(
          ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''),
        ),
        minLength: 24,
        maxLength: 60,
      })
      .map((s) => `sk-ant-api03-${s}`)
    fc.assert(
      fc.property(secret, fc.constantFrom(...refusals), fc.boolean(), (key, bad, oauth) => {
        const credential: Record<string, string> = oauth
          ? { 'anthropic-api-key': '', 'claude-code-oauth-token': key }
          : { 'anthropic-api-key': key }
        const inputs =
          bad.name === 'claude-code-oauth-token'
            ? { 'anthropic-api-key': key, 'claude-code-oauth-token': key }
            : bad.name === 'anthropic-api-key'
              ? { 'anthropic-api-key': '', 'claude-code-oauth-token': '' }
              : { ...credential, ...bad.inputs }
        let message = ''
        try {
          parseConfig(raw(inputs), { workspace: WS, promptFileText: null })
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          message = (error as Error).message
        }
        expect(message).not.toBe('')
        expect(message).not.toContain(key)
        expect(message).not.toContain(key.slice(-16))
      }),
    )
  })

  it('reports the first bad input only when every earlier one is valid', () => {
    const message = refusal({ sandbox: 'no', comment: 'x' }).message
    expect(message).toMatch(/^Input 'sandbox'/)
  })
})

describe('InputError', () => {
  it('is an Error named InputError', () => {
    const error = new InputError('x')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('InputError')
    expect(error.message).toBe('x')
  })
})

describe('allow-write and anthropic-base-url cannot open the machine', () => {
  it.each(['/etc', '/etc/cron.d', '/usr/local/bin', '/var/lib', '/proc/self', '/run/user'])(
    'refuses the system folder %s',
    (folder) => {
      expect(() => parseConfig(raw({ 'allow-write': folder }), { workspace: WS })).toThrow(
        /Input 'allow-write' has '.*'; give a folder inside or beside the workspace/,
      )
    },
  )
  it('refuses the home folder and its dot-folders', () => {
    for (const folder of ['/home/runner', '/home/runner/.config/git', '/home/runner/.ssh']) {
      expect(() =>
        parseConfig(raw({ 'allow-write': folder }), { workspace: WS, home: '/home/runner' }),
      ).toThrow(/a home folder/)
    }
  })
  it('refuses a parent of the workspace', () => {
    expect(() => parseConfig(raw({ 'allow-write': '..' }), { workspace: WS })).toThrow(
      /a parent of the workspace/,
    )
  })
  it('accepts a folder beside the workspace', () => {
    expect(
      parseConfig(raw({ 'allow-write': '../scratch' }), { workspace: WS, home: '/home/runner' })
        .allowWrite,
    ).toEqual(['/home/runner/work/repo/scratch'])
  })
  it.each([
    ['http://gateway.example.com', false],
    ['http://10.0.0.5:8080', false],
    ['http://127.0.0.1:8080', true],
    ['http://localhost:8080', true],
    ['https://gateway.example.com', true],
  ])('anthropic-base-url %s accepted: %s', (url, ok) => {
    const run = (): Config => parseConfig(raw({ 'anthropic-base-url': url }), { workspace: WS })
    if (ok) expect(run().anthropicBaseUrl).toBe(url)
    else expect(run).toThrow(/must be an https URL \(plain http only to localhost\)/)
  })
})

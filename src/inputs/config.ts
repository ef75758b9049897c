/**
 * The action's inputs as one frozen, validated {@link Config}. Pure: `parseConfig` takes the raw
 * input texts and returns the config or throws an {@link InputError} naming the first bad input
 * (`readConfig` in `read.ts` reads them from the runner).
 */
import path from 'node:path'
import { Inputs } from './contract.js'
import { DEFAULT_CLAUDE_VERSION, DEFAULT_TIMEOUT_MINUTES, SAFE_CLAUDE_ARGS } from '../lock/index.js'
import type { CommentMode, FailOn, IsolationMode, SandboxMode } from '../types/stages.js'

/** Every input, read and validated once. Nothing else in the action calls `core.getInput`. */
export interface Config {
  readonly prompt: string
  /** Where the prompt came from, for the log (`input` or the file path). */
  readonly promptSource: string
  /** The model credential and the variable the CLI reads it from. */
  readonly modelCredential: {
    readonly name: 'ANTHROPIC_API_KEY' | 'CLAUDE_CODE_OAUTH_TOKEN'
    readonly value: string
  }
  readonly anthropicBaseUrl: string | null
  readonly githubToken: string
  readonly isolation: IsolationMode
  readonly passEnv: readonly string[]
  readonly stripEnv: readonly string[]
  readonly allowedDomains: readonly string[]
  /** Absolute paths. */
  readonly allowWrite: readonly string[]
  readonly deny: readonly string[]
  readonly protectedPaths: readonly string[]
  readonly sandbox: SandboxMode
  readonly failOn: FailOn
  readonly comment: CommentMode
  readonly model: string | null
  readonly maxTurns: number | null
  readonly timeoutMinutes: number
  readonly claudeArgs: readonly string[]
  readonly claudeVersion: string
  readonly claudePath: string | null
  readonly allowedActors: readonly string[]
  /**
   * Which matrix leg this step runs in (by default the job's `matrix` context as JSON, `null`
   * outside a matrix); keys the sticky comment, see `matrixKey` in `github.ts`.
   */
  readonly matrix: string
  /** Absolute path of the repository the agent works in. */
  readonly workspace: string
}

/** The raw input values by name (empty string when not given), plus the prompt file's text. */
export type RawInputs = Readonly<Record<string, string>>

/** An input that failed validation: the message names the input and what it accepts. */
export class InputError extends Error {
  override name = 'InputError'
}

/** Folders `allow-write` may never open to the agent: writing there changes the machine. */
const SYSTEM_DIRS = [
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/boot',
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/var',
]

/** Splits a list input on newlines and commas; blank entries and `#` comments are dropped. */
export function parseList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'))
}

/** Splits a list input on newlines only (for entries that may contain commas, like deny rules). */
export function parseLines(value: string): string[] {
  return value
    .split('\n')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'))
}

function parseChoice<T extends string>(
  name: string,
  value: string,
  choices: readonly T[],
  fallback: T,
): T {
  const trimmed = value.trim()
  if (trimmed === '') return fallback
  if ((choices as readonly string[]).includes(trimmed)) return trimmed as T
  throw new InputError(
    `Input '${name}' is '${trimmed}', but it accepts only ${choices.map((c) => `'${c}'`).join(', ')}.`,
  )
}

function parsePositiveInt(name: string, value: string, max: number): number | null {
  const trimmed = value.trim()
  if (trimmed === '') return null
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > max) {
    throw new InputError(
      `Input '${name}' is '${trimmed}', but it accepts a whole number from 1 to ${max}.`,
    )
  }
  return Number(trimmed)
}

/**
 * Splits `claude-args` into an argument array without a shell: whitespace separates arguments,
 * single and double quotes group, a backslash escapes the next character. No expansion of any kind.
 */
export function splitArgs(value: string): string[] {
  const args: string[] = []
  let current = ''
  let inArg = false
  let quote: '"' | "'" | null = null
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i)
    if (quote !== null) {
      if (ch === quote) quote = null
      else if (ch === '\\' && quote === '"' && i + 1 < value.length) current += value.charAt(++i)
      else current += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      inArg = true
    } else if (ch === '\\' && i + 1 < value.length) {
      current += value.charAt(++i)
      inArg = true
    } else if (/\s/.test(ch)) {
      if (inArg) args.push(current)
      current = ''
      inArg = false
    } else {
      current += ch
      inArg = true
    }
  }
  if (quote !== null) {
    throw new InputError(
      `Input 'claude-args' has an unclosed ${quote} quote; close it or remove it.`,
    )
  }
  if (inArg) args.push(current)
  return args
}

/**
 * Checks `claude-args` against the flags that cannot weaken the lock ({@link SAFE_CLAUDE_ARGS}).
 * Anything else (`--settings`, `--permission-mode`, `--mcp-config`, `--add-dir`, `--tools` …) is
 * refused, because the action, not the workflow's arguments, decides those.
 */
export function validateClaudeArgs(args: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    const [flag = '', inline] = arg.split(/=(.*)/s, 2)
    const takesValue = SAFE_CLAUDE_ARGS.get(flag)
    if (takesValue === undefined) {
      throw new InputError(
        `Input 'claude-args' contains '${flag.slice(0, 40)}', which Airlock does not pass to the CLI; allowed flags are ${[...SAFE_CLAUDE_ARGS.keys()].join(', ')}.`,
      )
    }
    out.push(arg)
    if (takesValue && inline === undefined) {
      const next = args[i + 1]
      if (next === undefined) {
        throw new InputError(`Input 'claude-args' ends with '${flag}', which needs a value.`)
      }
      out.push(next)
      i++
    }
  }
  return out
}

function parseUrl(name: string, value: string): string | null {
  const trimmed = value.trim()
  if (trimmed === '') return null
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    throw new InputError(
      `Input '${name}' is not a URL; give an http(s) URL such as https://gateway.example.com.`,
    )
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InputError(
      `Input '${name}' must be an https URL (plain http only to localhost), so the key never crosses a network in clear text.`,
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      `Input '${name}' contains credentials; pass the key through 'anthropic-api-key' instead.`,
    )
  }
  return trimmed
}

function parseDomains(value: string): string[] {
  const domains = parseList(value)
  for (const domain of domains) {
    if (
      !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(
        domain,
      )
    ) {
      throw new InputError(
        `Input 'allowed-domains' has '${domain.slice(0, 80)}', which is not a host name; give host names such as 'registry.npmjs.org' or '*.github.com', without scheme or path.`,
      )
    }
  }
  return domains
}

/** What each input that takes a choice accepts, in the order its error lists them, and its default. */
const CHOICES = {
  isolation: { accepts: ['container', 'vm-or-container', 'none'], fallback: 'vm-or-container' },
  sandbox: { accepts: ['required', 'best-effort', 'off'], fallback: 'required' },
  failOn: { accepts: ['violation', 'denial', 'never'], fallback: 'violation' },
  comment: { accepts: ['always', 'on-change', 'never'], fallback: 'always' },
} as const

/**
 * Validates every input. Pure: `raw` holds each input's text and `promptFileText` the prompt
 * file's content when `prompt-file` was given. Throws {@link InputError} naming the first bad input.
 */
export function parseConfig(
  raw: RawInputs,
  context: { workspace: string; promptFileText?: string | null; home?: string },
): Config {
  const get = (name: string): string => raw[name] ?? ''
  const { prompt, promptSource } = parsePrompt(
    get(Inputs.Prompt),
    get(Inputs.PromptFile),
    context.promptFileText,
  )
  const modelCredential = parseModelCredential(get(Inputs.AnthropicApiKey), get(Inputs.OAuthToken))
  const workspace = path.resolve(context.workspace)
  const allowWrite = parseAllowWrite(get(Inputs.AllowWrite), workspace, context.home)
  const timeout = parsePositiveInt(Inputs.TimeoutMinutes, get(Inputs.TimeoutMinutes), 360)
  const claudeVersion = parseClaudeVersion(get(Inputs.ClaudeVersion))
  const claudePath = get(Inputs.ClaudePath).trim()
  const choice = <K extends keyof typeof CHOICES>(
    key: K,
    name: string,
  ): (typeof CHOICES)[K]['accepts'][number] =>
    parseChoice(name, get(name), CHOICES[key].accepts, CHOICES[key].fallback)

  return Object.freeze({
    prompt,
    promptSource,
    modelCredential,
    anthropicBaseUrl: parseUrl(Inputs.AnthropicBaseUrl, get(Inputs.AnthropicBaseUrl)),
    githubToken: get(Inputs.GitHubToken).trim(),
    isolation: choice('isolation', Inputs.Isolation),
    passEnv: parseList(get(Inputs.PassEnv)),
    stripEnv: parseList(get(Inputs.StripEnv)),
    allowedDomains: parseDomains(get(Inputs.AllowedDomains)),
    allowWrite,
    deny: parseLines(get(Inputs.Deny)),
    protectedPaths: parseList(get(Inputs.ProtectedPaths)),
    sandbox: choice('sandbox', Inputs.Sandbox),
    failOn: choice('failOn', Inputs.FailOn),
    comment: choice('comment', Inputs.Comment),
    model: get(Inputs.Model).trim() || null,
    maxTurns: parsePositiveInt(Inputs.MaxTurns, get(Inputs.MaxTurns), 1000),
    timeoutMinutes: timeout ?? DEFAULT_TIMEOUT_MINUTES,
    claudeArgs: validateClaudeArgs(splitArgs(get(Inputs.ClaudeArgs))),
    claudeVersion,
    claudePath: claudePath === '' ? null : path.resolve(workspace, claudePath),
    allowedActors: parseList(get(Inputs.AllowedActors)),
    matrix: get(Inputs.Matrix).trim(),
    workspace,
  })
}

/** The prompt, from `prompt` or from the file `prompt-file` names (exactly one of them). */
function parsePrompt(
  prompt: string,
  promptFileInput: string,
  promptFileText: string | null | undefined,
): { prompt: string; promptSource: string } {
  const promptFile = promptFileInput.trim()
  if (prompt.trim() !== '' && promptFile !== '') {
    throw new InputError(
      `Inputs 'prompt' and 'prompt-file' are both set; give exactly one of them.`,
    )
  }
  let promptText: string
  let promptSource: string
  if (promptFile !== '') {
    const text = promptFileText
    if (text === undefined || text === null) {
      throw new InputError(
        `Input 'prompt-file' names '${promptFile}', which cannot be read; give a readable file path.`,
      )
    }
    promptText = text
    promptSource = promptFile
  } else {
    promptText = prompt
    promptSource = 'input'
  }
  if (promptText.trim() === '') {
    throw new InputError(
      promptFile !== ''
        ? `Input 'prompt-file' names '${promptFile}', which is empty; the agent needs a prompt.`
        : `Input 'prompt' is missing; give the agent's task in 'prompt' or 'prompt-file'.`,
    )
  }
  return { prompt: promptText, promptSource }
}

/** The model credential: exactly one of `anthropic-api-key` and `claude-code-oauth-token`. */
function parseModelCredential(apiKeyInput: string, oauthInput: string): Config['modelCredential'] {
  const apiKey = apiKeyInput.trim()
  const oauth = oauthInput.trim()
  if (apiKey !== '' && oauth !== '') {
    throw new InputError(
      `Inputs 'anthropic-api-key' and 'claude-code-oauth-token' are both set; give exactly one.`,
    )
  }
  if (apiKey === '' && oauth === '') {
    throw new InputError(
      `Input 'anthropic-api-key' is missing; pass your model key from a secret, e.g. anthropic-api-key: \${{ secrets.ANTHROPIC_API_KEY }} (or use 'claude-code-oauth-token').`,
    )
  }
  return apiKey !== ''
    ? { name: 'ANTHROPIC_API_KEY' as const, value: apiKey }
    : { name: 'CLAUDE_CODE_OAUTH_TOKEN' as const, value: oauth }
}

/**
 * `allow-write` as absolute paths (relative entries from the workspace). Refuses `/`, system
 * folders, a home folder or its dot-folders, and any parent of the workspace.
 */
function parseAllowWrite(value: string, workspace: string, homeDir?: string): string[] {
  return parseList(value).map((entry) => {
    const resolved = path.resolve(workspace, entry)
    const home = homeDir === undefined ? null : path.resolve(homeDir)
    const system = SYSTEM_DIRS.some((dir) => resolved === dir || resolved.startsWith(`${dir}/`))
    // The home folder itself and its dot-folders (config, credentials, start-up files); the
    // runner's work folder under it (/home/runner/work) stays usable.
    const underHome =
      home !== null &&
      (resolved === home ||
        (resolved.startsWith(`${home}/`) && path.relative(home, resolved).startsWith('.')))
    if (
      resolved === '/' ||
      entry.startsWith('~') ||
      system ||
      underHome ||
      workspace.startsWith(`${resolved}/`)
    ) {
      throw new InputError(
        `Input 'allow-write' has '${entry.slice(0, 80)}'; give a folder inside or beside the workspace, not '/', a system folder, a home folder or a parent of the workspace.`,
      )
    }
    return resolved
  })
}

/** `claude-version`: an exact version, the pinned one by default. */
function parseClaudeVersion(value: string): string {
  const claudeVersion = value.trim() || DEFAULT_CLAUDE_VERSION
  if (!/^\d+\.\d+\.\d+$/.test(claudeVersion)) {
    throw new InputError(
      `Input 'claude-version' is '${claudeVersion.slice(0, 40)}'; give an exact version such as ${DEFAULT_CLAUDE_VERSION}.`,
    )
  }
  return claudeVersion
}

/**
 * The agent's environment (pure): which variables the CLI process, and so every command the agent
 * runs, starts with.
 *
 * Policy, strongest rule first; the first rule that applies decides:
 * 1. always removed: the names in `ALWAYS_REMOVED_ENV` (credentials, code-injection vectors);
 * 2. `strip-env` patterns;
 * 3. not allowed: neither in the base allowlist nor matched by a `pass-env` pattern;
 * 4. credential name: a name that looks like a credential's (`*_TOKEN`, `*SECRET*` …, see
 *    `CREDENTIAL_NAME_WORDS`) admitted only by a `pass-env` *glob*. An exact, glob-free `pass-env`
 *    entry is a deliberate choice and lets the name through this rule (not the next one);
 * 5. secret value: a value for which {@link looksLikeSecret} is not `null`, whatever admitted its
 *    name;
 * 6. otherwise the variable is kept.
 */
import picomatch from 'picomatch'
import {
  ALWAYS_REMOVED_ENV,
  BASE_ENV_ALLOWLIST,
  CREDENTIAL_NAME_SUBSTRINGS,
  CREDENTIAL_NAME_WORDS,
  SETTING_INPUTS,
} from './allowlist.js'
import { looksLikeSecret } from '../secrets/index.js'
import type { AgentEnvironment } from '../types/stages.js'

/**
 * Why a variable was removed: one of the policy rules at the top of this module, or `unset` when
 * the source listed the name with an `undefined` value.
 */
export type StripReason =
  'always-removed' | 'strip-env' | 'not-allowed' | 'credential-name' | 'secret-value' | 'unset'

/** The user's patterns over variable names (picomatch, case-sensitive). */
export interface EnvironmentOptions {
  readonly passEnv: readonly string[]
  readonly stripEnv: readonly string[]
}

/** {@link AgentEnvironment} plus the reason for each removal (`reasons` holds names, no values). */
export interface AgentEnvironmentBuild extends AgentEnvironment {
  readonly reasons: Readonly<Record<string, StripReason>>
  /**
   * The removed values to mask in the runner's log (`core.setSecret`): those of 6 characters or
   * more caught by their value, by a credential-like name, or looking like a credential; never
   * the value of an input that holds a setting. Never printed.
   */
  readonly maskedValues: string[]
}

/**
 * Matches names against patterns; `dot` so that a name starting with `.` is not special.
 *
 * Same answers as `picomatch(patterns, { dot: true })` (a name equal to a pattern, or matched by
 * the pattern's regular expression; never the empty name), but with the patterns' expressions
 * joined into one: picomatch's own matcher tries each pattern in turn with a few objects per try,
 * and this runs for every variable of the runner's environment (on a GitHub-hosted runner, 115
 * names against some 90 patterns took 35 ms that way, 6 ms this way). Falls back to picomatch's
 * matcher if the expressions cannot be joined.
 */
export function matcher(patterns: readonly string[]): (name: string) => boolean {
  const usable = patterns.filter((pattern) => pattern !== '')
  if (usable.length === 0) return () => false
  const options = { dot: true }
  const regexes = usable.map((pattern) => picomatch.makeRe(pattern, options))
  let joined: RegExp | null = null
  if (regexes.every((regex) => regex.flags === '')) {
    try {
      joined = new RegExp(regexes.map((regex) => `(?:${regex.source})`).join('|'))
    } catch {
      joined = null
    }
  }
  if (joined === null) return picomatch(usable, options)
  const exact = new Set(usable)
  const any = joined
  return (name) => name !== '' && (exact.has(name) || any.test(name))
}

const isAlwaysRemovedName = matcher(ALWAYS_REMOVED_ENV.map((rule) => rule.pattern))
const isBaseName = matcher(BASE_ENV_ALLOWLIST.map((rule) => rule.pattern))
const credentialWords = new Set(CREDENTIAL_NAME_WORDS)

/** Whether `name` is removed from the agent's environment whatever `pass-env` says. */
export function isAlwaysRemoved(name: string): boolean {
  return isAlwaysRemovedName(name)
}

/**
 * Whether a variable name looks like a credential's: one of its parts (split on anything but
 * letters and digits) is a word of `CREDENTIAL_NAME_WORDS`, or it contains one of
 * `CREDENTIAL_NAME_SUBSTRINGS`; any case.
 */
export function isCredentialName(name: string): boolean {
  const upper = name.toUpperCase()
  if (upper.split(/[^A-Z0-9]+/).some((word) => credentialWords.has(word))) return true
  return CREDENTIAL_NAME_SUBSTRINGS.some((part) => upper.includes(part))
}

const isSettingInputName = matcher(SETTING_INPUTS.map((rule) => rule.pattern))

/**
 * Whether `name` is one of this action's inputs that hold a setting ({@link SETTING_INPUTS}:
 * `INPUT_FAIL-ON=violation`, `INPUT_PASS-ENV=MY_VAR`): removed from the agent's environment like
 * every input, but its value is not a secret, so it is neither redacted nor masked. A setting whose
 * value looks like a credential is still treated as one.
 */
export function isSettingInput(name: string, value: string): boolean {
  return isSettingInputName(name) && looksLikeSecret(value) === null
}

/** Whether a removed value is masked in the runner's log (see `maskedValues`). */
function isMasked(name: string, value: string, reason: StripReason): boolean {
  if (value.length < 6 || isSettingInput(name, value)) return false
  return reason === 'secret-value' || isCredentialName(name) || looksLikeSecret(value) !== null
}

/**
 * An absolute path whose every segment is ordinary (no token-like part, so `/hooks/T0/B0/<token>`
 * is not plain): never a credential, and common in reports. `isSecret` answers
 * `looksLikeSecret(segment) !== null` (the caller remembers the answers: the runner's paths
 * share most of their segments).
 */
function isPlainPath(value: string, isSecret: (segment: string) => boolean): boolean {
  if (!/^(?:\/[\w.+@-]+)+\/?$/.test(value)) return false
  return value.split('/').every((segment) => !isSecret(segment))
}

/**
 * Builds the agent's environment from `source` (normally the action's own `process.env`), applying
 * the policy described at the top of this module.
 *
 * Guarantees:
 * - every name of `source` is in exactly one of `env` and `stripped`;
 * - no name for which {@link isAlwaysRemoved} holds, and no name matched by `stripEnv`, is kept;
 * - no value for which {@link looksLikeSecret} is non-null is kept;
 * - `stripped` is sorted; `reasons` gives one reason per stripped name;
 * - `strippedValues` holds each removed value once, for the redactor and `core.setSecret`, except
 *   empty values and plain absolute paths of variables removed only as `not-allowed`
 *   (`RUNNER_WORKSPACE=/home/runner/work/repo`): masking those would garble every workspace path
 *   in the report while hiding nothing secret; and except the values of inputs that hold a
 *   setting ({@link isSettingInput}), which would blank words such as `violation` out of it.
 */
export function buildAgentEnvironment(
  source: Readonly<Record<string, string | undefined>>,
  options: EnvironmentOptions,
): AgentEnvironmentBuild {
  const isPassed = matcher(options.passEnv)
  const isStripped = matcher(options.stripEnv)
  const exactPass = new Set(options.passEnv.filter((pattern) => !picomatch.scan(pattern).isGlob))

  const reasonFor = (name: string, value: string): StripReason | null => {
    if (isAlwaysRemovedName(name)) return 'always-removed'
    if (isStripped(name)) return 'strip-env'
    const base = isBaseName(name)
    if (!base && !isPassed(name)) return 'not-allowed'
    if (!base && !exactPass.has(name) && isCredentialName(name)) return 'credential-name'
    if (looksLikeSecret(value) !== null) return 'secret-value'
    return null
  }

  const secretSegments = new Map<string, boolean>()
  const isSecretSegment = (segment: string): boolean => {
    let answer = secretSegments.get(segment)
    if (answer === undefined) {
      answer = looksLikeSecret(segment) !== null
      secretSegments.set(segment, answer)
    }
    return answer
  }

  const kept: [string, string][] = []
  const removed: [string, StripReason][] = []
  const strippedValues = new Set<string>()
  const maskedValues = new Set<string>()
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) {
      removed.push([name, 'unset'])
      continue
    }
    const reason = reasonFor(name, value)
    if (reason === null) {
      kept.push([name, value])
      continue
    }
    removed.push([name, reason])
    if (isMasked(name, value, reason)) maskedValues.add(value)
    if (
      value !== '' &&
      !(reason === 'not-allowed' && isPlainPath(value, isSecretSegment)) &&
      !isSettingInput(name, value)
    ) {
      strippedValues.add(value)
    }
  }

  return {
    // `Object.fromEntries` defines own properties, so even a variable named `__proto__` is kept
    // or reported as stripped, never silently lost.
    env: Object.fromEntries(kept),
    stripped: removed.map(([name]) => name).sort(),
    strippedValues: [...strippedValues],
    reasons: Object.fromEntries(removed),
    maskedValues: [...maskedValues],
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/**
 * One line for the log: how many variables were kept and stripped, and how many of the stripped
 * ones were caught by their value (e.g. `kept 23 variables, stripped 41 (3 by value)`). Counts
 * only: no name, no value.
 */
export function describeEnvironment(result: AgentEnvironmentBuild): string {
  const byValue = Object.values(result.reasons).filter((r) => r === 'secret-value').length
  const kept = plural(Object.keys(result.env).length, 'variable')
  return `kept ${kept}, stripped ${result.stripped.length} (${byValue} by value)`
}

/**
 * The part of `@actions/core` that Airlock uses, with the same names, signatures and bytes on
 * stdout and in the runner's files (`__tests__/actions-core.test.ts` compares the two).
 *
 * Why not `@actions/core` itself: it imports its OIDC client at load time, and with it
 * `@actions/http-client` and undici, about 1 MB of the bundle. Loading undici took 100 ms or more
 * of every start-up on a 2-core runner (`npm run bench -- startup`), before a single line of
 * Airlock ran; Airlock never asks for an OIDC token. What is here is the runner's protocol only:
 * workflow commands on stdout (`::name props::message`, escaped as `@actions/core` escapes them)
 * and file commands (`GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`).
 */
import { randomUUID } from 'node:crypto'
import { constants, appendFileSync, existsSync } from 'node:fs'
import { access, appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'

/** Where an annotation points (`@actions/core`'s `AnnotationProperties`). */
export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
  endLine?: number
  startColumn?: number
  endColumn?: number
}

/** Options of {@link getInput}. */
export interface InputOptions {
  /** Throw when the input is empty. */
  required?: boolean
  /** Trim whitespace (default: true). */
  trimWhitespace?: boolean
}

/** A value as the runner receives it: strings as they are, anything else as JSON. */
function toCommandValue(input: unknown): string {
  if (input === null || input === undefined) return ''
  if (typeof input === 'string' || input instanceof String) return String(input)
  return JSON.stringify(input)
}

function escapeData(value: unknown): string {
  return toCommandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * Writes one workflow command line, `::command key=value,…::message`. Properties with an empty
 * value are left out; as in `@actions/core`, any property key at all adds the space after the name.
 */
function issueCommand(
  command: string,
  properties: Readonly<Record<string, unknown>>,
  message: unknown,
): void {
  const entries = Object.entries(properties)
  const props = entries
    .filter(([, value]) => Boolean(value))
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',')
  const head = entries.length > 0 ? `::${command} ${props}` : `::${command}`
  process.stdout.write(`${head}::${escapeData(message)}${EOL}`)
}

/** Appends `name<<delimiter` … `delimiter` to the file the runner named in `GITHUB_<command>`. */
function issueFileCommand(command: string, name: string, value: unknown): void {
  const file = process.env[`GITHUB_${command}`]
  if (!file) throw new Error(`Unable to find environment variable for file command ${command}`)
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
  const delimiter = `ghadelimiter_${randomUUID()}`
  const converted = toCommandValue(value)
  if (name.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`)
  }
  if (converted.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`)
  }
  appendFileSync(file, `${name}<<${delimiter}${EOL}${converted}${EOL}${delimiter}${EOL}`, {
    encoding: 'utf8',
  })
}

function toCommandProperties(properties: AnnotationProperties): Record<string, unknown> {
  if (Object.keys(properties).length === 0) return {}
  return {
    title: properties.title,
    file: properties.file,
    line: properties.startLine,
    endLine: properties.endLine,
    col: properties.startColumn,
    endColumn: properties.endColumn,
  }
}

/** The input's value (`INPUT_<NAME>`), trimmed unless asked not to; '' when unset. */
export function getInput(name: string, options?: InputOptions): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || ''
  if (options?.required === true && !value) {
    throw new Error(`Input required and not supplied: ${name}`)
  }
  return options?.trimWhitespace === false ? value : value.trim()
}

/** Asks the runner to mask `secret` in every later log line. */
export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret)
}

/** Sets a step output (the `GITHUB_OUTPUT` file, or the old `set-output` command without it). */
export function setOutput(name: string, value: unknown): void {
  if (process.env.GITHUB_OUTPUT) {
    issueFileCommand('OUTPUT', name, value)
    return
  }
  process.stdout.write(EOL)
  issueCommand('set-output', { name }, toCommandValue(value))
}

/** Saves a value for the post step, which reads it with {@link getState}. */
export function saveState(name: string, value: unknown): void {
  if (process.env.GITHUB_STATE) {
    issueFileCommand('STATE', name, value)
    return
  }
  issueCommand('save-state', { name }, toCommandValue(value))
}

/** A value saved by {@link saveState} in the main step (`STATE_<name>`), or ''. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] || ''
}

/** Writes a line to the log, as it is (no command is escaped: fence untrusted text yourself). */
export function info(message: string): void {
  process.stdout.write(message + EOL)
}

/** A warning annotation. */
export function warning(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand(
    'warning',
    toCommandProperties(properties),
    message instanceof Error ? message.toString() : message,
  )
}

/** An error annotation. */
export function error(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand(
    'error',
    toCommandProperties(properties),
    message instanceof Error ? message.toString() : message,
  )
}

/** Fails the step: exit code 1 and an error annotation. */
export function setFailed(message: string | Error): void {
  process.exitCode = 1
  error(message)
}

/** Opens a foldable group in the log. */
export function startGroup(name: string): void {
  issueCommand('group', {}, name)
}

/** Closes the group {@link startGroup} opened. */
export function endGroup(): void {
  issueCommand('endgroup', {}, '')
}

/** Runs `fn` inside a log group, closing the group however `fn` ends. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name)
  try {
    return await fn()
  } finally {
    endGroup()
  }
}

/**
 * Appends markdown to the job summary (`GITHUB_STEP_SUMMARY`), as
 * `core.summary.addRaw(text).write()` does, with its error messages.
 */
export async function appendSummary(text: string): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) {
    throw new Error(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
    )
  }
  try {
    await access(file, constants.R_OK | constants.W_OK)
  } catch {
    throw new Error(
      `Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`,
    )
  }
  await appendFile(file, text, { encoding: 'utf8' })
}

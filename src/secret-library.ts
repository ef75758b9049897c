/**
 * The maintained rule set: secretlint's recommended preset
 * (`@secretlint/secretlint-rule-preset-recommend`, MIT), run synchronously and purely.
 *
 * secretlint's own engine (`@secretlint/core`) is asynchronous and builds every rule anew for each
 * text (about 1.6 ms a call: 16 s for 10,000 files). The rules themselves are plain objects with a
 * documented plugin API (`create(context, options)` → `{ file(source) }`, see `@secretlint/types`),
 * so this module hosts them itself: each rule is created once, and scanning a text calls each
 * rule's `file` handler, which runs its regexes over the text and reports ranges.
 *
 * What this host does differently from secretlint, each on purpose:
 * - `@secretlint/secretlint-rule-filter-comments` is left out: it honours `secretlint-disable`
 *   comments, which the agent under audit could write next to a secret to hide it.
 * - The AWS rule runs with `enableIDScanRule` (secretlint reports only secret access keys by
 *   default; an access key id is worth reporting in an audit).
 * - Messages are never formatted: the translator returns the message id and keeps the message's
 *   data (which holds the secret) only long enough to locate the secret in the text, because some
 *   rules report a range that does not cover it (the AWS secret-key rule reports the length of the
 *   key from the start of `AWS_SECRET_ACCESS_KEY=`). The reported span is the union of the rule's
 *   range and the secret's occurrence, extended over the token characters (`[A-Za-z0-9_-]`) that
 *   directly follow it, so redaction never leaves a tail of a key behind.
 * - Texts are given with no file path (so the npm rule checks every text for `.npmrc` and
 *   `package.json` forms) and the extension `.json` only for JSON files (GCP service-account keys);
 *   never `.p12`, the one case in which a rule would read a file from disk.
 */
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend'
import type {
  SecretLintRuleContext,
  SecretLintRuleReportDescriptor,
  SecretLintRuleReportHandler,
  SecretLintSourceCode,
} from '@secretlint/types'

/** One match of a library rule: offsets into the text, never the text itself. */
export interface LibraryMatch {
  /** `secretlint-<rule>`, e.g. `secretlint-aws`, `secretlint-github`. */
  readonly rule: string
  /** A catch-all rule (see {@link GENERIC_RULES}). */
  readonly generic: boolean
  readonly start: number
  readonly end: number
}

/**
 * Library rules that match any URL with a password rather than one issuer's token: where one of
 * them and a specific rule match the same characters (`https://x-access-token:ghs_…@github.com`),
 * the specific one names the credential better.
 */
const GENERIC_RULES = new Set(['secretlint-basicauth', 'secretlint-database-connection-string'])

/** Rules of the preset this host never runs (see the module comment). */
const EXCLUDED = new Set(['@secretlint/secretlint-rule-filter-comments'])

/** Per-rule options that differ from secretlint's defaults. */
const OPTIONS: Readonly<Record<string, object>> = {
  '@secretlint/secretlint-rule-aws': { enableIDScanRule: true },
}

const PREFIX = '@secretlint/secretlint-rule-'

/** `@secretlint/secretlint-rule-aws` → `secretlint-aws`. */
export function libraryRuleId(secretlintId: string): string {
  const short = secretlintId.startsWith(PREFIX) ? secretlintId.slice(PREFIX.length) : secretlintId
  return `secretlint-${short.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
}

/** The message's data values that are strings: where a rule puts the secret it found. */
function dataStrings(message: unknown): string[] {
  if (typeof message !== 'object' || message === null) return []
  const data = (message as { data?: unknown }).data
  if (typeof data !== 'object' || data === null) return []
  return Object.values(data).filter((v): v is string => typeof v === 'string' && v.length >= 4)
}

/** How far past a reported range a rule's secret may start (the longest assignment prefix). */
const LOCATE_WINDOW = 4096

/** Token characters that may directly follow a reported range and still belong to the token. */
const TOKEN_TAIL = /[A-Za-z0-9_-]/

/** Longest tail added to a reported range. */
const MAX_TAIL = 256

interface HostedRule {
  readonly rule: string
  readonly handler: SecretLintRuleReportHandler
}

/** The text being scanned and the matches found so far (one scan at a time: scans are sync). */
let current: { text: string; matches: LibraryMatch[] } | null = null

function report(rule: string, descriptor: SecretLintRuleReportDescriptor): void {
  if (current === null) return
  const { text, matches } = current
  let [start, end] = descriptor.range
  start = Math.max(0, Math.min(start, text.length))
  end = Math.max(start, Math.min(end, text.length))
  for (const value of dataStrings(descriptor.message)) {
    const from = Math.max(0, start - value.length)
    const at = text.indexOf(value, from)
    if (at !== -1 && at <= end + LOCATE_WINDOW) {
      start = Math.min(start, at)
      end = Math.max(end, at + value.length)
    }
  }
  // Some patterns stop inside a token (the Slack rule's segments hold at most 40 characters, so an
  // app token's 64-hex tail is left out): the span runs on to the end of the token.
  const limit = Math.min(text.length, end + MAX_TAIL)
  while (end < limit && TOKEN_TAIL.test(text.charAt(end))) end++
  if (end > start) matches.push({ rule, generic: GENERIC_RULES.has(rule), start, end })
}

let hosted: readonly HostedRule[] | null = null

/** Creates each rule once, on first use (about 1 ms). */
function hostedRules(): readonly HostedRule[] {
  if (hosted !== null) return hosted
  const created: HostedRule[] = []
  for (const creator of presetRules) {
    const id = creator.meta.id
    if (EXCLUDED.has(id) || creator.meta.type !== 'scanner') continue
    const rule = libraryRuleId(id)
    const context: SecretLintRuleContext = {
      sharedOptions: {},
      createTranslator: (() => (messageId: string, data?: unknown) => ({
        message: messageId,
        messageId,
        data,
      })) as unknown as SecretLintRuleContext['createTranslator'],
      report: (descriptor) => report(rule, descriptor),
      ignore: () => undefined,
    }
    created.push({ rule, handler: creator.create(context, OPTIONS[id] ?? {}) })
  }
  hosted = created
  return hosted
}

/**
 * What every credential the library's rules report contains: a run of at least 16 token
 * characters (every token, key and secret-key rule), a URL (`://`: basic auth and database
 * URLs) or a PEM header. A text without any of them (most environment values: `true`, `1.2.3`,
 * `en_US.UTF-8`) skips the 27 rules, which keeps the strip stage cheap. The only report this
 * skips is the AWS account id (12 digits), which is not a credential.
 */
const MAY_MATCH = /[\w+/=.~-]{16}|:\/\/|-----BEGIN/

/** The ids ({@link libraryRuleId}) of every library rule this host runs. */
export function libraryRuleIds(): string[] {
  return hostedRules().map((r) => r.rule)
}

/**
 * Every match of the library's rules in `text`, in rule order, possibly overlapping. `json`: the
 * text is a JSON file (enables the GCP service-account key check).
 *
 * A rule that throws or answers asynchronously (none does for text input) contributes nothing
 * rather than failing the scan.
 */
export function libraryMatches(text: string, json = false): LibraryMatch[] {
  if (!MAY_MATCH.test(text)) return []
  const rules = hostedRules()
  const source = {
    content: text,
    filePath: '',
    ext: json ? '.json' : '',
    contentType: 'text',
  } as unknown as SecretLintSourceCode
  const previous = current
  current = { text, matches: [] }
  try {
    for (const { handler } of rules) {
      try {
        const result = handler.file?.(source)
        if (result instanceof Promise) result.catch(() => undefined)
      } catch {
        // A rule's bug must not hide the other rules' findings.
      }
    }
    return current.matches
  } finally {
    current = previous
  }
}

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
 * - Texts are given with no file path and the extension `.json` only for JSON files (GCP
 *   service-account keys); never `.p12`, the one case in which a rule would read a file from disk.
 *   With no path the npm rule checks every text for `npm_` tokens and the `package.json` form
 *   (`https://…:x-oauth-basic@github.com/`), but not for `.npmrc`'s `_authToken=`: the rule tests
 *   that form only in an `else` branch after the `package.json` one, which a text without a path
 *   always takes. (`generic-api-key` still finds an `_authToken=` whose value looks random.)
 */
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend'
import type {
  SecretLintRuleContext,
  SecretLintRuleReportDescriptor,
  SecretLintRuleReportHandler,
  SecretLintSourceCode,
} from '@secretlint/types'

/** When a library rule can report at all: what lets the scanner skip it on a text. */
export interface LibraryRuleGate {
  /** `secretlint-<rule>` (see {@link libraryRuleId}). */
  readonly rule: string
  /**
   * Case-sensitive literals: the rule reports nothing in a text that contains none of them.
   * `null`: no such literals are known; the rule runs on every text.
   */
  readonly triggers: readonly string[] | null
  /** The rule reports nothing unless the text is scanned as a JSON file. */
  readonly jsonOnly: boolean
}

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

/**
 * For each rule of the preset, case-sensitive literals one of which every report of the rule
 * needs in the text: the scanner skips the rule on a text that holds none of them, with the same
 * findings. Each entry was checked against the rule's source in
 * `@secretlint/secretlint-rule-preset-recommend` 13.1.0 (`module/index.js`): every regex the rule
 * reports from is named, and every match of it contains one of the literals, letter case
 * included. A rule missing from this table (a rule a newer preset adds) runs on every text.
 */
const TRIGGERS: Readonly<Record<string, readonly string[]>> = {
  // `\b(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b` (flags `g`); with
  // `enableIDScanRule`, `…(ACCOUNT|account|Account)_?(ID|id|Id)?…` (`g`: each spelling holds
  // `CCOUNT` or `ccount`); and `…(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?…` (`g`: the
  // end of one spelling of `secret`, an optional `_`, one spelling of `access`).
  '@secretlint/secretlint-rule-aws': [
    'A3T',
    'AKIA',
    'AGPA',
    'AIDA',
    'AROA',
    'AIPA',
    'ANPA',
    'ANVA',
    'ASIA',
    'CCOUNT',
    'ccount',
    ...['ECRET', 'ecret'].flatMap((secret) =>
      ['', '_'].flatMap((gap) =>
        ['ACCESS', 'access', 'Access'].map((access) => `${secret}${gap}${access}`),
      ),
    ),
  ],
  // PEM_CONTENT_PATTERN `-----BEGIN[ ]?(?:…)?PRIVATE KEY…` (flags `gm`, no `i`).
  '@secretlint/secretlint-rule-privatekey': ['-----BEGIN'],
  // With no file path only two checks run: `https?:\/\/(.{1,256}):x-oauth-basic@github.com\/`
  // (`g`) and `(?<!\p{L})npm_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])` (`gu`); the `.npmrc` check sits
  // in an `else` branch that a text without a path never reaches.
  '@secretlint/secretlint-rule-npm': [':x-oauth-basic@github', 'npm_'],
  // `(?<protocol>(?:https?|ftp|ftps)):\/\/…` (`g`).
  '@secretlint/secretlint-rule-basicauth': ['://'],
  // `\b(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-…` (`g`: each prefix holds `xox` or is `xapp`), and the
  // webhook `https:\/\/hooks\.slack\.com\/…` (`gi`: `://` has no letter to change case).
  '@secretlint/secretlint-rule-slack': ['xox', 'xapp-', '://'],
  // `(?<!\p{L})SG\.\w{1,128}\.…` (`gu`).
  '@secretlint/secretlint-rule-sendgrid': ['SG.'],
  // `(?<!\p{L})(shppa|shpca|shpat|shpss)_…` (`gu`).
  '@secretlint/secretlint-rule-shopify': ['shppa_', 'shpca_', 'shpat_', 'shpss_'],
  // `(?<!\p{L})(?<prefix>sk_live|sk_test|rk_live|rk_test)_…` (`gu`).
  '@secretlint/secretlint-rule-stripe': ['k_live_', 'k_test_'],
  // `(?<!\p{L})(?<type>ghp|gho|ghu|ghs|ghr)_…`, `(?<!\p{L})(?<type>github_pat)_…` and
  // `(?<!\p{L})(?<type>ghs)_[0-9]{1,20}_…` (all `gu`).
  '@secretlint/secretlint-rule-github': ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  // `(?<!\p{L})glpat-…` (`gu`).
  '@secretlint/secretlint-rule-gitlab': ['glpat-'],
  // `(?<!\p{L})glc_…` and `(?<!\p{L})glsa_…` (`gu`).
  '@secretlint/secretlint-rule-grafana': ['glc_', 'glsa_'],
  // `sk-(?:proj|svcacct|admin)-…T3BlbkFJ…|sk-[a-zA-Z0-9]{20}T3BlbkFJ…` (`g`): both alternatives
  // hold `T3BlbkFJ`.
  '@secretlint/secretlint-rule-openai': ['T3BlbkFJ'],
  // `(?<!\p{L})sk-ant-api0\d-…` (`gu`).
  '@secretlint/secretlint-rule-anthropic': ['sk-ant-api0'],
  // `(?<!\p{L})gsk_…` (`gu`).
  '@secretlint/secretlint-rule-groq': ['gsk_'],
  // `(?<!\p{L})hf_[a-zA-Z]{34}…` (`gu`).
  '@secretlint/secretlint-rule-huggingface': ['hf_'],
  // `(?<!\p{L})lin_api_…` (`gu`).
  '@secretlint/secretlint-rule-linear': ['lin_api_'],
  // `(?<!\p{L})ntn_[0-9]{11}…` (`gu`).
  '@secretlint/secretlint-rule-notion': ['ntn_'],
  // `(?<!\p{L})ops_(ey[A-Za-z0-9+/=]{100,1280}fQ={0,2})…` (`gu`).
  '@secretlint/secretlint-rule-1password': ['ops_ey'],
  // `mongodb(?:\+srv)?:\/\/…`, `(?:jdbc:)?mysql(?:x)?:\/\/…`, `postgres(?:ql)?:\/\/…` (all `gi`:
  // `://` has no letter to change case).
  '@secretlint/secretlint-rule-database-connection-string': ['://'],
  // `(?<!\p{L})hvs\.…`, `(?<!\p{L})hvb\.…`, `(?<!\p{L})hvr\.…` (`gu`).
  '@secretlint/secretlint-rule-hashicorp-vault': ['hvs.', 'hvb.', 'hvr.'],
  // `(?<!\p{L})(?<prefix>vcp|vci|vca|vcr|vck)_…` (`gu`).
  '@secretlint/secretlint-rule-vercel': ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
  // `(?<!\p{L})dapi[A-Fa-f0-9]{32}…` (`gu`).
  '@secretlint/secretlint-rule-databricks': ['dapi'],
  // `(?<!\p{L})dckr_pat_…` (`gu`).
  '@secretlint/secretlint-rule-docker': ['dckr_pat_'],
  // `(?<!\p{L})figd_…` (`gu`).
  '@secretlint/secretlint-rule-figma': ['figd_'],
  // `(?<!\p{L})(?<prefix>cfk|cfut|cfat)_…` (`gu`).
  '@secretlint/secretlint-rule-cloudflare': ['cfk_', 'cfut_', 'cfat_'],
  // `(?<!\p{L})tskey-(?<type>[a-z]{2,20})-…` (`gu`).
  '@secretlint/secretlint-rule-tailscale': ['tskey-'],
}

/**
 * Rules that report only in a JSON file: the GCP rule reads a service-account key from a text
 * whose extension is `.json` (or a `.p12` file, which this host never gives it) and does nothing
 * otherwise.
 */
const JSON_ONLY = new Set(['@secretlint/secretlint-rule-gcp'])

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

interface HostedRule extends LibraryRuleGate {
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
    created.push({
      rule,
      triggers: TRIGGERS[id] ?? null,
      jsonOnly: JSON_ONLY.has(id),
      handler: creator.create(context, OPTIONS[id] ?? {}),
    })
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
 *
 * Written so that the run is only tried where one starts (at the text's start or after a
 * character outside the run's class): the same texts match as with `[\w+/=.~-]{16}` alone, which
 * tries 16 characters at every position of a text with many short runs (ordinary code).
 */
const MAY_MATCH = /(?:^|[^\w+/=.~-])[\w+/=.~-]{16}|:\/\/|-----BEGIN/

/** {@link MAY_MATCH} as it was first written: the reference the tests hold it to. */
const MAY_MATCH_REFERENCE = /[\w+/=.~-]{16}|:\/\/|-----BEGIN/

/** The ids ({@link libraryRuleId}) of every library rule this host runs. */
export function libraryRuleIds(): string[] {
  return hostedRules().map((r) => r.rule)
}

/**
 * The library's first check: whether any of its rules can report in `text` at all (see
 * `MAY_MATCH`). `libraryMatches` makes it too.
 */
export function libraryMayMatch(text: string): boolean {
  return MAY_MATCH.test(text)
}

/** The gate of every library rule this host runs, in the order `libraryMatches` runs them. */
export function libraryRuleGates(): readonly LibraryRuleGate[] {
  return hostedRules().map(({ rule, triggers, jsonOnly }) => ({ rule, triggers, jsonOnly }))
}

/**
 * Every match of the library's rules in `text`, in rule order, possibly overlapping. `json`: the
 * text is a JSON file (enables the GCP service-account key check).
 *
 * `runs(i)` false skips the i-th rule of {@link libraryRuleGates}: the caller has checked that
 * its gate rules it out for this text, so the matches are the same as with every rule run.
 * Without `runs`, every rule runs (the reference the gated scan is tested against).
 *
 * A rule that throws or answers asynchronously (none does for text input) contributes nothing
 * rather than failing the scan.
 */
export function libraryMatches(
  text: string,
  json = false,
  runs?: (rule: number) => boolean,
): LibraryMatch[] {
  const rules = hostedRules()
  if (runs !== undefined && !rules.some((_, i) => runs(i))) return []
  if (!(runs === undefined ? MAY_MATCH_REFERENCE : MAY_MATCH).test(text)) return []
  const source = {
    content: text,
    filePath: '',
    ext: json ? '.json' : '',
    contentType: 'text',
  } as unknown as SecretLintSourceCode
  const previous = current
  current = { text, matches: [] }
  try {
    for (let i = 0; i < rules.length; i++) {
      if (runs !== undefined && !runs(i)) continue
      const handler = rules[i]?.handler
      try {
        const result = handler?.file?.(source)
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

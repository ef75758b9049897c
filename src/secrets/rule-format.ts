/**
 * The format of an extra secret-detection rule, as ported from gitleaks, and gitleaks' global
 * allowlist, which applies to every rule. The allowlist is gitleaks' (MIT License; the notice is
 * in `rules.ts`); each of its regexes was checked for catastrophic backtracking. Pure data.
 */

/** Which text an allowlist's regexes are tested against. */
export type AllowlistTarget = 'secret' | 'match' | 'line'

/** Conditions under which a match is *not* reported (any one of them is enough). */
export interface SecretAllowlist {
  /** What `regexes` are tested against: the secret (default), the whole match, or its line. */
  readonly target?: AllowlistTarget
  readonly regexes?: readonly RegExp[]
  /** Lower-case words; a secret containing one of them is not reported. */
  readonly stopwords?: readonly string[]
}

/** One kind of credential. */
export interface SecretRule {
  /** gitleaks' rule id (reported in findings and in `[REDACTED:<id>]` labels). */
  readonly id: string
  readonly description: string
  /**
   * Matches one occurrence. The secret is the first non-empty capture group, or the whole match
   * when there is none. Flags other than `i` are not used: the scanner adds its own.
   */
  readonly regex: RegExp
  /** Lower-case strings; the rule only runs on text that contains at least one of them. */
  readonly keywords?: readonly string[]
  /**
   * Case-sensitive literals one of which every match of `regex` contains: the
   * scanner skips the rule on a text without any of them. Each also contains, lower-cased, one of
   * `keywords`, so skipping on these is never skipping a text gitleaks' keyword check would let
   * through to a match. With neither this nor `caselessTriggers`, the rule runs on every text, and
   * must then be a rule whose every match contains one of `keywords` in some letter case (so that
   * it finds nothing where the keyword check would have stopped it).
   */
  readonly triggers?: readonly string[]
  /**
   * Like `triggers`, in any ASCII letter case: every match contains one of them spelled with
   * upper- or lower-case letters (and, lower-cased, one of `keywords`).
   */
  readonly caselessTriggers?: readonly string[]
  /** The secret is reported only if its Shannon entropy (bits per character) is above this. */
  readonly entropy?: number
  readonly allowlists?: readonly SecretAllowlist[]
  /**
   * For rules whose gitleaks pattern starts with `[\w.-]{0,N}?`: that N. The scanner prepends up to
   * N such characters to the match before testing `match` allowlists, as gitleaks' match would hold.
   */
  readonly identifierPrefix?: number
  /**
   * A catch-all rule: where its match overlaps a specific rule's match, only the specific one is
   * reported.
   */
  readonly generic?: boolean
}

/** gitleaks' global allowlist: applies to the secret of every rule. */
export const GLOBAL_ALLOWLIST: SecretAllowlist = {
  regexes: [
    /^(?:true|false|null)$/i,
    // One character repeated (gitleaks lists `a+|b+|…|z+|\*+|\.+`).
    /^([a-z*.])\1*$/i,
    /^\$(?:\d+|\{\d+\})$/,
    /^\$(?:[A-Z_]+|[a-z_]+)$/,
    /^\$\{(?:[A-Z_]+|[a-z_]+)\}$/,
    /^\{\{[ \t]*[\w ().|]+[ \t]*\}\}$/,
    /^\$\{\{[ \t]*(?:(?:env|github|secrets|vars)(?:\.[A-Za-z]\w+)+[\w "'&./=|]*)[ \t]*\}\}$/,
    /^%(?:[A-Z_]+|[a-z_]+)%$/,
    /^%[+\-# 0]?[bcdeEfFgGoOpqstTUvxX]$/,
    /^\{\d{0,2}\}$/,
    /^@(?:[A-Z_]+|[a-z_]+)@$/,
    /^\/Users\/[a-z0-9]+\/[\w ./]+$/i,
    /^\/(?:bin|etc|home|opt|tmp|usr|var)\/[\w ./-]+$/,
  ],
  stopwords: ['014df517-39d1-4453-b7b3-9930c563627c', 'abcdefghijklmnopqrstuvwxyz'],
}

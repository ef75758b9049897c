/**
 * Whether a whole value (an environment variable's) is a credential: a rule matches in it, or it
 * is a long, unpredictable token no rule names. Pure.
 */
import { findSecrets } from './detect.js'
import { shannonEntropy } from './filters.js'

/** The id {@link looksLikeSecret} returns for a value that no rule matched but is token-like. */
export const HIGH_ENTROPY_RULE_ID = 'high-entropy-value'

/** Characters of base64 (both alphabets), base64url, hex and the separators tokens use. */
const TOKEN_ALPHABET = /^[A-Za-z0-9+/=_.~-]+$/
const HEX = /^[0-9a-fA-F]+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PATH_START = /^(?:~|\.{1,2})?\//

/**
 * Whether a value is a long, unpredictable token although no rule names it. True when the value
 * - is at least 20 characters of the token alphabet (letters, digits, `+/=_.~-`; no whitespace,
 *   no `:` or `@`, so URLs, image references and prose are out),
 * - holds both a letter and a digit (gitleaks' rule for generic secrets),
 * - is not hex only (git SHAs, digests: hex never exceeds 4 bits per character anyway), not a UUID,
 *   not a path (`/…`, `./…`, `~/…`),
 * - is not a slug: split on `-_./`, some part mixes letters and digits (`feature/JIRA-1234-fix` is a
 *   branch name; `wJalrXUtnFEMI/K7MDENG` is not),
 * - and has a Shannon entropy of at least 4.0 bits per character.
 */
function isHighEntropyToken(value: string): boolean {
  if (value.length < 20 || !TOKEN_ALPHABET.test(value)) return false
  if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) return false
  if (HEX.test(value) || UUID.test(value) || PATH_START.test(value)) return false
  const parts = value.split(/[-_./]+/).filter((part) => part !== '')
  const isSlug = parts.every((part) => /^(?:[A-Za-z]+|[0-9]+)$/.test(part))
  if (isSlug) return false
  return shannonEntropy(value) >= 4.0
}

/**
 * Decides whether a whole environment-variable value is, or contains, a credential.
 *
 * Returns the id of the first rule that matches anywhere in the value (see {@link findSecrets});
 * else {@link HIGH_ENTROPY_RULE_ID} when the whole value is a token: at least 20 characters of
 * `[A-Za-z0-9+/=_.~-]` holding letters and digits, Shannon entropy of at least 4.0 bits per
 * character, and neither hex only, a UUID, a path, nor a slug whose parts are each all letters or
 * all digits; else `null`. So ordinary values — paths, `true`, version numbers, URLs without a
 * password, 40-hex git SHAs, UUIDs, branch and workflow refs — give `null`. The price: a secret
 * that is hex only, or shorter than 20 characters, is caught by its name (see `environment.ts`),
 * not by its value.
 */
export function looksLikeSecret(value: string): string | null {
  const [first] = findSecrets(value)
  if (first !== undefined) return first.rule
  return isHighEntropyToken(value) ? HIGH_ENTROPY_RULE_ID : null
}

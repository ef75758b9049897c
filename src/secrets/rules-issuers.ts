/**
 * The extra rules for one issuer's tokens that the library lacks (PyPI, Anthropic admin keys and
 * OAuth tokens, Google API keys, Entra ID client secrets, JWTs), each with a comment naming the
 * gap. The rules are gitleaks' (MIT License; the notice is in `rules.ts`, with the changes made in
 * porting). Every regex was checked for catastrophic backtracking. Pure data.
 */
import type { SecretRule } from './rule-format.js'

/** The end of a token in gitleaks' older generated rules: a quote, space, `;`, `\n`/`\r`, or the end. */
const END = String.raw`(?:[\x60'"\s;]|\\[nr]|$)`
/** The same in gitleaks' current generator (`secretSuffix`). */
const END_V2 = String.raw`(?:['"\x60\s;\\<,)]|$)`

/** The issuer rules, in the order of `SECRET_RULES`. */
export const ISSUER_RULES: readonly SecretRule[] = [
  {
    // Extra: The library has no PyPI rule.
    id: 'pypi-upload-token',
    description:
      'Discovered a PyPI upload token, potentially compromising Python package distribution and repository integrity.',
    regex: /pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}/,
    keywords: ['pypi-ageichlwas5vcmc'],
    // The regex starts with this literal (no `i` flag).
    triggers: ['pypi-AgEIcHlwaS5vcmc'],
    entropy: 3,
  },
  {
    // Extra: The library's Anthropic rule knows `sk-ant-api0N-` keys only, not admin keys.
    id: 'anthropic-admin-api-key',
    description:
      'Detected an Anthropic Admin API Key, risking unauthorized access to administrative functions and sensitive AI model configurations.',
    regex: new RegExp(String.raw`\b(sk-ant-admin01-[a-zA-Z0-9_\-]{93}AA)` + END),
    keywords: ['sk-ant-admin01'],
    // The regex's group starts with this literal (no `i` flag).
    triggers: ['sk-ant-admin01-'],
  },
  {
    // Extra: The library has no rule for Claude OAuth tokens (`claude-code-oauth-token`, Airlock's own input).
    id: 'anthropic-oauth-token',
    description:
      "Found an Anthropic OAuth access token (sk-ant-oat01-), which is tied to a Claude.ai Pro/Max subscription and can be used to act on the account's behalf.",
    regex: new RegExp(String.raw`\b(sk-ant-oat01-[a-zA-Z0-9_\-]{40,})` + END_V2),
    keywords: ['sk-ant-oat01'],
    // The regex's group starts with this literal (no `i` flag).
    triggers: ['sk-ant-oat01-'],
  },
  {
    // Extra: The library has no rule for Claude OAuth refresh tokens.
    id: 'anthropic-oauth-refresh-token',
    description:
      'Uncovered an Anthropic OAuth refresh token (sk-ant-ort01-), which can mint new access tokens and allow prolonged unauthorized access to a Claude.ai account.',
    regex: new RegExp(String.raw`\b(sk-ant-ort01-[a-zA-Z0-9_\-]{40,})` + END_V2),
    keywords: ['sk-ant-ort01'],
    // The regex's group starts with this literal (no `i` flag).
    triggers: ['sk-ant-ort01-'],
  },
  {
    // Extra: The library has no rule for Google API keys (`AIza…`), only for service-account key files.
    id: 'gcp-api-key',
    description:
      'Uncovered a GCP API key, which could lead to unauthorized access to Google Cloud services and data breaches.',
    regex: new RegExp(String.raw`\b(AIza[\w-]{35})` + END),
    keywords: ['aiza'],
    // The regex's group starts with this literal (no `i` flag).
    triggers: ['AIza'],
    entropy: 4,
  },
  {
    // Extra: The library has no Azure rule; Entra ID (Azure AD) client secrets have a fixed shape.
    id: 'azure-ad-client-secret',
    description:
      'Azure AD Client Secret detected, posing a risk of unauthorized access to Azure resources and sensitive data.',
    regex: new RegExp(
      String.raw`(?:^|[\\'"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'"\x60\s<),])`,
    ),
    keywords: ['q~'],
    // The group holds `\dQ~` (no `i` flag).
    triggers: ['Q~'],
    entropy: 3,
  },
  {
    // Extra: The library has no JWT rule; OIDC and session tokens are JWTs.
    id: 'jwt',
    description:
      'Uncovered a JSON Web Token, which may lead to unauthorized access to web applications and sensitive user data.',
    regex: new RegExp(
      String.raw`\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?)` +
        END,
    ),
    keywords: ['ey'],
    // The group starts with `ey` (no `i` flag).
    triggers: ['ey'],
    entropy: 3,
  },
]

/**
 * The extra secret-detection rules: what Airlock checks beyond the maintained library
 * (secretlint's recommended preset, hosted in `library.ts`), one rule per gap, each with a
 * comment naming the gap. Everything the library covers (AWS, GCP service-account keys, GitHub,
 * GitLab, Slack, npm, OpenAI, Anthropic API keys, Stripe, Hugging Face, private keys, database
 * URLs, and about fifteen more services) is left to it.
 *
 * The rules are gitleaks' (https://github.com/gitleaks/gitleaks, `config/gitleaks.toml` and
 * `cmd/generate/config/rules/*.go`): ids, descriptions, keywords, entropy thresholds and
 * allowlists are gitleaks' own, so findings can be compared with a gitleaks run. The one rule
 * gitleaks has no counterpart for, `url-password`, is Airlock's.
 *
 * Changes made in porting, each on purpose:
 * - Go RE2 syntax becomes JavaScript: `(?i)` becomes the `i` flag, `\z` becomes `$` (no `m` flag),
 *   and the inline `(?-i:…)` groups of `generic-api-key` are spelled out case by case, because
 *   Node 20 has no inline modifiers.
 * - gitleaks' leading `[\w.-]{0,50}?` identifier prefix is left out of the regexes (it only widens
 *   the reported match, and costs up to 50 tries at every position of the text); the scanner adds
 *   those characters back before testing a `match` allowlist (see `identifierPrefix`).
 * - The global `^true|false|null$` allowlist is anchored as meant (`^(?:true|false|null)$`);
 *   gitleaks' version also allowlists any secret that merely contains `false`.
 * - Left out: gcp-api-key's allowlist of published sample keys (listing them here would make this
 *   file itself trip secret scanners).
 *
 * gitleaks is distributed under the MIT License:
 *
 *   Copyright (c) 2019 Zachary Rice
 *
 *   Permission is hereby granted, free of charge, to any person obtaining a copy of this software
 *   and associated documentation files (the "Software"), to deal in the Software without
 *   restriction, including without limitation the rights to use, copy, modify, merge, publish,
 *   distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
 *   Software is furnished to do so, subject to the following conditions:
 *
 *   The above copyright notice and this permission notice shall be included in all copies or
 *   substantial portions of the Software.
 *
 *   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
 *   BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 *   NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
 *   DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 *   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 *
 * The rules are kept in two families, most specific first: `rules-issuers.ts` (one issuer's token
 * each) and `rules-catch-all.ts` (a password in a URL, a value assigned to a credential-like name).
 * Their format and gitleaks' global allowlist are in `rule-format.ts`. Every regex in them was
 * checked for catastrophic backtracking: each quantifier is bounded, or is anchored on a literal
 * prefix and followed by a character it cannot itself match.
 */
import { CATCH_ALL_RULES } from './rules-catch-all.js'
import { ISSUER_RULES } from './rules-issuers.js'
import type { SecretRule } from './rule-format.js'

/**
 * The extra rules, most specific first. Order matters only among rules whose matches overlap.
 */
export const SECRET_RULES: readonly SecretRule[] = [...ISSUER_RULES, ...CATCH_ALL_RULES]

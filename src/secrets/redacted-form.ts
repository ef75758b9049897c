/**
 * A label for a secret value that a report can show: its length and at most a public issuer
 * prefix. Pure.
 */

/** Public, well-known prefixes that identify a token's issuer without revealing the token. */
const PUBLIC_PREFIXES: readonly string[] = [
  'AKIA',
  'ASIA',
  'ABIA',
  'ACCA',
  'ghp_',
  'gho_',
  'ghs_',
  'ghu_',
  'ghr_',
  'github_pat_',
  'glpat-',
  'xoxb-',
  'xoxp-',
  'xoxa-',
  'xoxr-',
  'xoxs-',
  'xoxe',
  'xapp-',
  'sk-ant-',
  'sk-proj-',
  'sk_live_',
  'sk_test_',
  'rk_live_',
  'rk_test_',
  'npm_',
  'pypi-',
  'AIza',
  'hf_',
  'eyJ',
]

/**
 * A label for a secret value that reveals nothing a reader could use: the length in UTF-16 units,
 * plus, when the value is at least 16 long and starts with a public issuer prefix, that prefix cut
 * to at most 4 characters (`AKIA…(20)`, `ghp_…(40)`, `sk-a…(108)`, `eyJ…(180)`); otherwise only
 * the length (`…(12)`). Never a character beyond the public prefix.
 */
export function redactedForm(value: string): string {
  const length = value.length
  const prefix = PUBLIC_PREFIXES.find((candidate) => value.startsWith(candidate))
  if (length >= 16 && prefix !== undefined) {
    return `${value.slice(0, Math.min(4, prefix.length))}…(${length})`
  }
  return `…(${length})`
}

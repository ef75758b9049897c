/**
 * The audit's secret scan of added lines: rule matches and the known values in every encoding,
 * reported as violations that never hold the value. Pure.
 */
import { findSecrets } from './detect.js'
import { encodedForms, type Encoding } from './encodings.js'
import { anyOf, LiteralMatcher } from './literal-matcher.js'
import { redactedForm } from './redacted-form.js'
import { lineOf, lineStarts } from './text.js'
import type { Violation } from '../types/stages.js'

/** Shortest known value the {@link secretScanner} looks for (shorter ones match by chance). */
export const MIN_SCAN_LENGTH = 8

const ENCODING_WORDS: Record<Encoding, string> = {
  raw: '',
  base64: ', base64-encoded',
  base64url: ', base64url-encoded',
  'url-encoded': ', percent-encoded',
  'json-escaped': ', JSON-escaped',
}

/**
 * The secret scan of added lines: the library rules and the extra rules, plus the known values
 * (what the strip stage removed, and the action's own tokens) in every form of
 * {@link encodedForms}. Pure; builds its automaton once, so each call is a few passes for the
 * rules' trigger literals, one pass per rule whose trigger the text holds, and one quick pass for
 * all known values (the automaton runs only where that finds one).
 *
 * A finding names the file, the 1-based line, the rule (a rule id; `stripped-value` for a known
 * value written as is, `stripped-value-<encoding>` for an encoded one) and a redacted form of the
 * value (`AKIA…(20)`), never the value. Known values shorter than {@link MIN_SCAN_LENGTH} are not
 * looked for. A `.json` file is scanned as JSON too (GCP service-account keys).
 */
export function secretScanner(
  values: string[],
): (file: string, text: string, firstLine: number) => Violation[] {
  const known = [...new Set(values.filter((v) => v.length >= MIN_SCAN_LENGTH))]
  const forms: { form: string; value: string; encoding: Encoding }[] = []
  const seen = new Set<string>()
  for (const value of known) {
    for (const [form, encoding] of encodedForms(value, MIN_SCAN_LENGTH)) {
      if (seen.has(form)) continue
      seen.add(form)
      forms.push({ form, value, encoding })
    }
  }
  const matcher = forms.length > 0 ? new LiteralMatcher(forms.map((f) => f.form)) : null
  const anyForm = anyOf(forms.map((f) => f.form))
  return (file: string, text: string, firstLine: number): Violation[] => {
    const violations: Violation[] = []
    for (const finding of findSecrets(text, file.toLowerCase().endsWith('.json'))) {
      violations.push({
        kind: 'secret',
        path: file,
        line: firstLine + finding.line - 1,
        rule: finding.rule,
        detail: `a value matching ${finding.rule} was added (${redactedForm(text.slice(finding.start, finding.end))})`,
      })
    }
    if (matcher === null || anyForm?.test(text) === false) return violations
    const occurrences = matcher.occurrences(text)
    if (occurrences.length === 0) return violations
    const starts = lineStarts(text)
    for (const [start, , id] of occurrences) {
      const form = forms[id]
      if (form === undefined) continue
      const rule = form.encoding === 'raw' ? 'stripped-value' : `stripped-value-${form.encoding}`
      violations.push({
        kind: 'secret',
        path: file,
        line: firstLine + lineOf(starts, start) - 1,
        rule,
        detail: `the value of a variable Airlock stripped, or of its own token, was added${ENCODING_WORDS[form.encoding]} (${redactedForm(form.value)})`,
      })
    }
    return violations
  }
}

/**
 * Secrets: what a credential looks like, and keeping known ones out of what Airlock writes. Pure.
 *
 * Two sources of truth for what a credential looks like: the maintained library rules
 * (secretlint's recommended preset, `library.ts`) and a few extra rules for what the library
 * lacks (`rules.ts`). And the exact values the action knows to be secret (the stripped
 * environment, the model key, the GitHub token), which both the {@link Redactor} and the
 * {@link secretScanner} also recognise base64-, URL- and JSON-encoded (`encodings.ts`).
 *
 * - `detect.ts`: {@link findSecrets}, every rule match in a text, merged; `filters.ts` holds
 *   gitleaks' filters and `triggers.ts` the trigger literals that let a rule be skipped.
 * - `looks-like-secret.ts`: {@link looksLikeSecret}, whether a whole value is a credential.
 * - `redact.ts`: the {@link Redactor}, over `literal-matcher.ts` for the known values.
 * - `scan.ts`: the audit's {@link secretScanner}; `redacted-form.ts` labels what it finds.
 */
export { findSecrets, type SecretFinding } from './detect.js'
export { encodedForms, MIN_REDACT_LENGTH, type Encoding } from './encodings.js'
export { HIGH_ENTROPY_RULE_ID, looksLikeSecret } from './looks-like-secret.js'
export { REDACTED, Redactor, type RedactorOptions } from './redact.js'
export { redactedForm } from './redacted-form.js'
export { MIN_SCAN_LENGTH, secretScanner } from './scan.js'

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * Bundles dist/ once before the end-to-end suite, so it always tests what `src/` builds, and
 * refuses to start when a managed settings file is already installed (the suite would overwrite
 * the machine's lock, and the machine's lock would change what the suite sees).
 */
export default function setup(): void {
  if (
    existsSync('/etc/claude-code/managed-settings.json') &&
    process.env.AIRLOCK_E2E_ALLOW_MANAGED !== '1'
  ) {
    throw new Error(
      '/etc/claude-code/managed-settings.json exists; the end-to-end suite needs a machine without one.',
    )
  }
  execFileSync('npm', ['run', '--silent', 'bundle'], {
    cwd: path.resolve(import.meta.dirname, '..', '..'),
    stdio: 'inherit',
  })
}

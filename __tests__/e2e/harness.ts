/** Helpers of the end-to-end suite; the runner emulation itself is shared with the demo. */
import { randomBytes, randomInt } from 'node:crypto'
import { rmSync } from 'node:fs'

export {
  CLAUDE,
  MANAGED_DIR,
  ROOT,
  machineFingerprint,
  makeRepo,
  makeRunnerInstall,
  parseFileCommand,
  prepareStep,
  runAction,
} from '../fakes/action-runner.mjs'

/** Planted secrets: none may ever reach the model, a comment, a summary, an output or the log. */
export function plantedSecrets(): Record<string, string> {
  const r = (n: number): string => randomBytes(n).toString('hex')
  const digits = (n: number): string => Array.from({ length: n }, () => randomInt(10)).join('')
  return {
    AWS_ACCESS_KEY_ID: `AKIA${r(8).toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: r(20),
    DATABASE_URL: `postgres://app:pw${r(8)}@db.internal:5432/prod`,
    GH_TOKEN: `ghp_${r(18)}`,
    GITHUB_TOKEN: `ghs_${r(18)}`,
    ACTIONS_RUNTIME_TOKEN: `eyJ${r(30)}`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: `oidc${r(20)}`,
    ACTIONS_ID_TOKEN_REQUEST_URL: `https://pipelines.example/oidc/${r(12)}`,
    NPM_TOKEN: `npm_${r(18)}`,
    // A well-formed Slack bot token under a name that says nothing.
    MY_INNOCENT_NAME: `xoxb-${digits(11)}-${digits(13)}-${r(12)}`,
  }
}

/** Removes what a test made. */
export function cleanup(...dirs: string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}

/** The names of the values in `secrets` that occur in `text`. */
export function leaks(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name)
}

/**
 * The runner's variables Airlock reads, listed once with what each is used for, and read once,
 * through {@link readRunnerEnv}, at the start of `run()`. Stages are given the values, never
 * `process.env`; the environment filter, which takes the whole environment as its input, is
 * given it by `run()`. Pure: `run()` passes `process.env` in.
 */

/** Every runner variable Airlock reads, and what it reads it for. */
export const RUNNER_VARIABLES = {
  GITHUB_WORKSPACE: 'The repository the agent works in (the current folder when unset).',
  RUNNER_TEMP:
    "Where Airlock's private folder and the outputs' files are made (the system's temp folder when unset); where actions/checkout v6 keeps its credentials file.",
  RUNNER_TOOL_CACHE: 'Where the pinned CLI is cached between runs (~/.cache when unset).',
  HOME: "The runner user's home: its git config and credential stores, and the folders allow-write may not open.",
  PATH: 'Where the CLI install finds its programs.',
  npm_config_registry:
    'An npm mirror to download the pinned CLI from (it must still match the pin).',
  NPM_CONFIG_REGISTRY: 'The same as npm_config_registry, in capitals.',
  GITHUB_EVENT_NAME: 'Whether the run was started by a comment or review, whose author is checked.',
  GITHUB_ENV: 'A runner file command, denied to the agent.',
  GITHUB_PATH: 'A runner file command, denied to the agent.',
  GITHUB_OUTPUT: 'A runner file command, denied to the agent.',
  GITHUB_STATE: 'A runner file command (it holds the restore plan), denied to the agent.',
  GITHUB_STEP_SUMMARY: 'A runner file command, denied to the agent.',
  GITHUB_EVENT_PATH: "The event's payload file, denied to the agent.",
  GOOGLE_APPLICATION_CREDENTIALS:
    'A cloud credentials file an earlier step set up, denied to the agent.',
  AWS_SHARED_CREDENTIALS_FILE:
    'A cloud credentials file an earlier step set up, denied to the agent.',
  KUBECONFIG: 'A cluster credentials file an earlier step set up, denied to the agent.',
  GITHUB_SERVER_URL: "The run's link in the report (https://github.com when unset).",
  GITHUB_REPOSITORY: "The run's link in the report.",
  GITHUB_RUN_ID: "The run's link in the report.",
  GITHUB_WORKFLOW: "The sticky comment's marker: one comment per workflow, job and matrix leg.",
  GITHUB_JOB: "The sticky comment's marker: one comment per workflow, job and matrix leg.",
  AIRLOCK_MODEL_MAX_RETRIES: 'How often the CLI retries a failed model request (4 when unset).',
} as const

/** The name of a runner variable Airlock reads. */
export type RunnerVariable = keyof typeof RUNNER_VARIABLES

/** The runner variables as read at start-up: each one's value, `undefined` when unset. */
export type RunnerEnv = { readonly [Name in RunnerVariable]: string | undefined }

/** Reads every variable in {@link RUNNER_VARIABLES} from `source`, and nothing else. */
export function readRunnerEnv(source: Readonly<Record<string, string | undefined>>): RunnerEnv {
  const read: Partial<Record<RunnerVariable, string | undefined>> = {}
  for (const name of Object.keys(RUNNER_VARIABLES) as RunnerVariable[]) read[name] = source[name]
  return Object.freeze(read as RunnerEnv)
}

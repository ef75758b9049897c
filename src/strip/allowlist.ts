/**
 * Security-relevant defaults of the agent's environment, each with the reason it is what it is.
 * (The lock's defaults live in `lock-defaults.ts`.) `environment.ts` applies them.
 */

/** A variable name or picomatch pattern over names, and why it is on its list. */
export interface EnvNameRule {
  readonly pattern: string
  readonly reason: string
}

/**
 * What the agent's environment starts from: names that tools need and that never hold a secret.
 * Everything else is removed unless `pass-env` adds it. Matched case-sensitively.
 */
export const BASE_ENV_ALLOWLIST: readonly EnvNameRule[] = [
  { pattern: 'PATH', reason: 'where the tools are (setup-* steps add theirs here)' },
  {
    pattern: 'HOME',
    reason: 'tools keep config and caches there (credential files are denied by the sandbox)',
  },
  { pattern: 'USER', reason: 'some tools refuse to start without a user name' },
  { pattern: 'LOGNAME', reason: 'the same, for tools that read this one' },
  { pattern: 'SHELL', reason: 'which shell tools spawn' },
  { pattern: 'LANG', reason: 'locale: tools print and parse text as for the user' },
  { pattern: 'LANGUAGE', reason: 'locale: message language' },
  { pattern: 'LC_*', reason: 'locale categories' },
  { pattern: 'TERM', reason: 'terminal capabilities, for tools that colour or page output' },
  { pattern: 'TZ', reason: 'time zone of dates in output and tests' },
  {
    pattern: 'TMPDIR',
    reason: 'where tools put temporary files (the sandbox decides what is writable)',
  },
  { pattern: 'CI', reason: 'tells tools they run unattended: no prompts, no watch mode' },
  { pattern: 'GITHUB_ACTIONS', reason: 'tools detect Actions to format their output' },
  { pattern: 'GITHUB_ACTOR', reason: 'public: who started the run' },
  { pattern: 'GITHUB_ACTOR_ID', reason: 'public: who started the run' },
  { pattern: 'GITHUB_TRIGGERING_ACTOR', reason: 'public: who started this attempt' },
  { pattern: 'GITHUB_REPOSITORY', reason: 'public: the repository' },
  { pattern: 'GITHUB_REPOSITORY_ID', reason: 'public: the repository' },
  { pattern: 'GITHUB_REPOSITORY_OWNER', reason: 'public: the repository owner' },
  { pattern: 'GITHUB_REPOSITORY_OWNER_ID', reason: 'public: the repository owner' },
  {
    pattern: 'GITHUB_EVENT_NAME',
    reason: 'which event started the run (the payload is not passed)',
  },
  { pattern: 'GITHUB_SHA', reason: 'git coordinates of the run' },
  { pattern: 'GITHUB_REF', reason: 'git coordinates of the run' },
  { pattern: 'GITHUB_REF_NAME', reason: 'git coordinates of the run' },
  { pattern: 'GITHUB_REF_TYPE', reason: 'git coordinates of the run' },
  { pattern: 'GITHUB_REF_PROTECTED', reason: 'whether the ref is protected' },
  { pattern: 'GITHUB_HEAD_REF', reason: 'git coordinates of a pull request' },
  { pattern: 'GITHUB_BASE_REF', reason: 'git coordinates of a pull request' },
  { pattern: 'GITHUB_WORKSPACE', reason: 'the repository path, where the agent works anyway' },
  { pattern: 'GITHUB_RUN_ID', reason: 'identifies the run, as shown in the UI' },
  { pattern: 'GITHUB_RUN_NUMBER', reason: 'identifies the run, as shown in the UI' },
  { pattern: 'GITHUB_RUN_ATTEMPT', reason: 'identifies the run, as shown in the UI' },
  { pattern: 'GITHUB_JOB', reason: 'identifies the job, as shown in the UI' },
  { pattern: 'GITHUB_WORKFLOW', reason: 'identifies the workflow, as shown in the UI' },
  { pattern: 'GITHUB_WORKFLOW_REF', reason: 'identifies the workflow file and ref' },
  { pattern: 'GITHUB_WORKFLOW_SHA', reason: 'identifies the workflow file commit' },
  { pattern: 'GITHUB_SERVER_URL', reason: 'public endpoint, no credential in it' },
  { pattern: 'GITHUB_API_URL', reason: 'public endpoint, no credential in it' },
  { pattern: 'GITHUB_GRAPHQL_URL', reason: 'public endpoint, no credential in it' },
  { pattern: 'GITHUB_RETENTION_DAYS', reason: 'artifact retention setting' },
  { pattern: 'RUNNER_OS', reason: 'platform, for tools that pick binaries' },
  { pattern: 'RUNNER_ARCH', reason: 'platform, for tools that pick binaries' },
  { pattern: 'RUNNER_NAME', reason: 'which runner, as shown in the UI' },
  { pattern: 'RUNNER_ENVIRONMENT', reason: 'github-hosted or self-hosted' },
  { pattern: 'RUNNER_DEBUG', reason: 'whether debug logging is on' },
  {
    pattern: 'RUNNER_TOOL_CACHE',
    reason: 'read-only toolchain cache; tools find installed versions there',
  },
]

/**
 * Names deliberately *not* in the base allowlist although they hold no secret: they point at the
 * runner's own files. (`pass-env` can still add them; tests check none slips into the base list.)
 */
export const EXCLUDED_RUNNER_ENV: readonly EnvNameRule[] = [
  {
    pattern: 'RUNNER_TEMP',
    reason: "holds the file-command files (GITHUB_ENV…) and actions/checkout's credentials file",
  },
  {
    pattern: 'GITHUB_EVENT_PATH',
    reason: "points into the runner's temp folder; the payload is untrusted PR text anyway",
  },
  { pattern: 'RUNNER_WORKSPACE', reason: "the runner's work folder above the repository" },
  { pattern: 'GITHUB_ACTION_PATH', reason: "where this action's own code is" },
]

/**
 * Removed whatever `pass-env` says, because each one either is a credential or lets whoever sets
 * it run code in, or steal credentials from, processes outside the sandbox (the CLI itself, the
 * policy hook, the git the CLI runs, later steps of the job). picomatch patterns, case-sensitive.
 */
export const ALWAYS_REMOVED_ENV: readonly EnvNameRule[] = [
  { pattern: 'GITHUB_TOKEN', reason: 'GitHub credential (the job token)' },
  { pattern: 'GH_TOKEN', reason: 'GitHub credential read by gh' },
  { pattern: 'GH_ENTERPRISE_TOKEN', reason: 'GitHub Enterprise credential read by gh' },
  { pattern: 'GITHUB_ENTERPRISE_TOKEN', reason: 'GitHub Enterprise credential read by gh' },
  {
    pattern: 'ACTIONS_RUNTIME_TOKEN',
    reason: "the runner's token for the cache, artifact and results services",
  },
  {
    pattern: 'ACTIONS_ID_TOKEN_REQUEST_*',
    reason: 'the OIDC token endpoint and its bearer: they mint tokens that cloud roles trust',
  },
  { pattern: 'ACTIONS_CACHE_URL', reason: 'runtime service endpoint (cache poisoning)' },
  { pattern: 'ACTIONS_RESULTS_URL', reason: 'runtime service endpoint' },
  { pattern: 'ACTIONS_RUNTIME_URL', reason: 'runtime service endpoint' },
  {
    pattern: 'INPUT_*',
    reason: "this action's inputs: they hold the model key and the GitHub token",
  },
  { pattern: 'STATE_*', reason: "this action's saved state for its post step" },
  {
    pattern: 'GITHUB_ENV',
    reason: 'file command: appending to it sets the environment of later steps',
  },
  { pattern: 'GITHUB_PATH', reason: 'file command: appending to it sets the PATH of later steps' },
  { pattern: 'GITHUB_OUTPUT', reason: "file command: appending to it forges this step's outputs" },
  { pattern: 'GITHUB_STATE', reason: "file command: appending to it forges this action's state" },
  {
    pattern: 'GITHUB_STEP_SUMMARY',
    reason: 'file command: appending to it forges the job summary',
  },
  {
    pattern: 'ANTHROPIC_API_KEY',
    reason: 'model credential: the action gives it to the CLI process only',
  },
  {
    pattern: 'CLAUDE_CODE_OAUTH_TOKEN',
    reason: 'model credential: the action gives it to the CLI process only',
  },
  {
    pattern: 'ANTHROPIC_AUTH_TOKEN',
    reason: 'model credential: the action gives it to the CLI process only',
  },
  {
    pattern: 'NODE_OPTIONS',
    reason: '--require/--import run code in every Node process, the policy hook included',
  },
  {
    pattern: 'LD_PRELOAD',
    reason: 'loads a library into every process, the CLI and hook included',
  },
  { pattern: 'LD_AUDIT', reason: 'loads an audit library into every process, like LD_PRELOAD' },
  { pattern: 'LD_LIBRARY_PATH', reason: 'swaps the libraries every process loads' },
  {
    pattern: 'BASH_ENV',
    reason: 'script every non-interactive bash runs first, hook commands included',
  },
  { pattern: 'ENV', reason: 'script sh (and interactive bash) runs first' },
  { pattern: 'PROMPT_COMMAND', reason: 'command interactive bash runs before each prompt' },
  {
    pattern: 'GIT_CONFIG',
    reason: 'config file for git config: credential helpers, core.fsmonitor (runs commands)',
  },
  {
    pattern: 'GIT_CONFIG_*',
    reason: 'injects git config (core.fsmonitor, credential helpers, extraheader) into every git',
  },
  { pattern: 'GIT_SSH_COMMAND', reason: 'command git runs to connect over ssh' },
  { pattern: 'GIT_SSH', reason: 'program git runs to connect over ssh' },
  { pattern: 'GIT_ASKPASS', reason: 'program git runs to obtain credentials' },
  { pattern: 'SSH_ASKPASS', reason: 'program ssh runs to obtain credentials' },
  { pattern: 'GIT_PROXY_COMMAND', reason: 'command git runs for git:// connections' },
  { pattern: 'GIT_EXTERNAL_DIFF', reason: 'command git diff runs' },
  {
    pattern: 'SSH_AUTH_SOCK',
    reason: "ssh agent socket: uses the runner's ssh keys without reading them",
  },
  { pattern: 'DOCKER_HOST', reason: 'a Docker daemon: root on its host' },
]

/**
 * Parts of a variable name (split on anything but letters and digits, any case) that mark it as a
 * credential: `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASS`, `SENTRY_DSN`. Such a name is not
 * passed by a `pass-env` glob (`AWS_*`), only by an exact `pass-env` entry (`AWS_REGION`), which
 * is a deliberate choice. (`TOKENIZERS_PARALLELISM` and `GIT_AUTHOR_NAME` are not credentials.)
 */
export const CREDENTIAL_NAME_WORDS: readonly string[] = [
  'TOKEN',
  'TOKENS',
  'SECRET',
  'SECRETS',
  'KEY',
  'KEYS',
  'APIKEY',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'PASSPHRASE',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'AUTH',
  'COOKIE',
  'PAT',
  'DSN',
]

/**
 * Substrings (any case) that mark a name as a credential even inside a longer word: `PGPASSWORD`,
 * `MYSECRET`, `GITHUBACCESSTOKEN`.
 */
export const CREDENTIAL_NAME_SUBSTRINGS: readonly string[] = [
  'PASSWORD',
  'PASSWD',
  'SECRET',
  'APIKEY',
  'ACCESSKEY',
  'PRIVATEKEY',
  'CREDENTIAL',
  'AUTHTOKEN',
  'ACCESSTOKEN',
]

/**
 * This action's inputs that hold a setting, never a credential. Every `INPUT_*` variable is
 * removed from the agent's environment, but the values of these are not secrets: redacting them
 * would blank words such as `violation`, `required` or a `pass-env` name out of every log line and
 * report (the runner sets each input, with its default). Any other input (`prompt`,
 * `claude-args`, `anthropic-base-url` and the credentials) is treated as a secret, and so is a
 * setting whose value looks like a credential.
 */
export const SETTING_INPUTS: readonly EnvNameRule[] = [
  { pattern: 'INPUT_ISOLATION', reason: 'one of container, vm-or-container, none' },
  { pattern: 'INPUT_SANDBOX', reason: 'one of required, best-effort, off' },
  { pattern: 'INPUT_FAIL-ON', reason: 'one of violation, denial, never' },
  { pattern: 'INPUT_COMMENT', reason: 'one of always, on-change, never' },
  { pattern: 'INPUT_MAX-TURNS', reason: 'a number' },
  { pattern: 'INPUT_TIMEOUT-MINUTES', reason: 'a number' },
  { pattern: 'INPUT_MODEL', reason: 'a model name' },
  { pattern: 'INPUT_CLAUDE-VERSION', reason: 'a version number' },
  { pattern: 'INPUT_CLAUDE-PATH', reason: 'a path' },
  { pattern: 'INPUT_PROMPT-FILE', reason: 'a path' },
  { pattern: 'INPUT_PASS-ENV', reason: 'variable names (the values stay secret)' },
  { pattern: 'INPUT_STRIP-ENV', reason: 'variable names' },
  { pattern: 'INPUT_ALLOWED-DOMAINS', reason: 'domain names' },
  { pattern: 'INPUT_ALLOW-WRITE', reason: 'paths' },
  { pattern: 'INPUT_DENY', reason: 'permission rules' },
  { pattern: 'INPUT_PROTECTED-PATHS', reason: 'path patterns' },
  { pattern: 'INPUT_ALLOWED-ACTORS', reason: 'GitHub logins' },
  { pattern: 'INPUT_MATRIX', reason: "the job's matrix values, for the sticky comment's marker" },
]

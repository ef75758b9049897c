/**
 * Security-relevant defaults of the lock and the run, each with the reason it is what it is.
 * (The environment's allowlist lives in `src/strip/allowlist.ts`.) Data only.
 */

/** The CLI version Airlock is tested against; the facts in shared/claude-code-facts.md hold for it. */
export const DEFAULT_CLAUDE_VERSION = '2.1.197'

/** A run longer than this is ended: an agent in a loop must not hold a runner for six hours. */
export const DEFAULT_TIMEOUT_MINUTES = 30

/** Where the CLI reads managed (highest-precedence) settings on Linux. */
export const MANAGED_SETTINGS_DIR = '/etc/claude-code'
/** The managed settings file itself: Airlock's lock for the length of the run. */
export const MANAGED_SETTINGS_FILE = `${MANAGED_SETTINGS_DIR}/managed-settings.json`
/** Drop-in folder the CLI also merges (sorted) after the main file: moved aside for the run. */
export const MANAGED_SETTINGS_DROPIN_DIR = `${MANAGED_SETTINGS_DIR}/managed-settings.d`

/**
 * The CLI's built-in tools the policy hook understands, and so the only ones the agent gets
 * (`--tools`). A tool a new CLI version adds stays off until it is reviewed here.
 */
export const KNOWN_TOOLS = [
  // Runs inside the OS sandbox.
  'Bash',
  // Reads: the hook refuses credential paths, /proc and the runner's folders.
  'Read',
  'Glob',
  'Grep',
  // Writes: the hook keeps them inside the workspace, the private temp folder and allow-write.
  'Write',
  'Edit',
  'NotebookEdit',
  // Bookkeeping, no file or network access.
  'TodoWrite',
  // Network: allowed domains only, and only when some are allowed.
  'WebFetch',
  'WebSearch',
] as const

/** Tools that need the network; they are not offered at all when `allowed-domains` is empty. */
export const NETWORK_TOOLS: ReadonlySet<string> = new Set(['WebFetch', 'WebSearch'])

/**
 * Flags `claude-args` may carry (value: whether the flag takes a value). None of them can
 * widen what the agent may do; every other flag is refused.
 */
export const SAFE_CLAUDE_ARGS: ReadonlyMap<string, boolean> = new Map([
  ['--append-system-prompt', true],
  ['--system-prompt', true],
  ['--effort', true],
  ['--fallback-model', true],
  ['--disallowedTools', true],
  ['--disallowed-tools', true],
  ['--betas', true],
  ['--max-budget-usd', true],
])

/**
 * The seed's deny set, in the CLI's rule syntax. Deny rules are enforced even under
 * `--dangerously-skip-permissions` (claude-code-facts.md), and Read/Edit rules also feed the
 * OS sandbox's filesystem lists.
 */
export const SEED_BASH_DENY = [
  // Destructive deletes.
  'Bash(rm -rf *)',
  'Bash(rm -fr *)',
  // Privilege escalation: the runner has passwordless sudo.
  'Bash(sudo *)',
  'Bash(su *)',
  // Force pushes and forced operations rewrite history others rely on.
  'Bash(* --force *)',
  'Bash(* --force)',
  'Bash(*--force-with-lease*)',
  // Anything that names production.
  'Bash(*production*)',
] as const

/** Workspace-relative file patterns no tool may read or write (the seed's `.env*`, credentials, secrets). */
export const SEED_FILE_DENY = ['**/.env*', '**/*credentials*', '**/*secret*'] as const

/**
 * Credential stores under the home folder: never readable by any tool or command. (`~/.gitconfig`
 * is not here: git cannot run without reading it; the strip stage takes credentials out of it.)
 */
export const HOME_CREDENTIAL_PATHS = [
  '.aws',
  '.azure',
  '.config/gcloud',
  '.kube',
  '.docker/config.json',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.git-credentials',
  '.ssh',
  '.gnupg',
  '.config/gh',
  '.config/git/credentials',
  '.claude',
  '.claude.json',
] as const

/** Home start-up files: writing them would run code in a later step. */
export const HOME_STARTUP_FILES = [
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.bash_logout',
  '.profile',
  '.zshrc',
  '.zshenv',
  '.zprofile',
  '.config/fish',
  '.gitconfig',
  '.npmrc',
  '.ssh',
] as const

/**
 * Names of the action's inputs, outputs and saved state: the public contract, in one place. Pure
 * data.
 */

export const Inputs = {
  Prompt: 'prompt',
  PromptFile: 'prompt-file',
  AnthropicApiKey: 'anthropic-api-key',
  OAuthToken: 'claude-code-oauth-token',
  AnthropicBaseUrl: 'anthropic-base-url',
  GitHubToken: 'github-token',
  Isolation: 'isolation',
  PassEnv: 'pass-env',
  StripEnv: 'strip-env',
  AllowedDomains: 'allowed-domains',
  AllowWrite: 'allow-write',
  Deny: 'deny',
  ProtectedPaths: 'protected-paths',
  Sandbox: 'sandbox',
  FailOn: 'fail-on',
  Comment: 'comment',
  Model: 'model',
  MaxTurns: 'max-turns',
  TimeoutMinutes: 'timeout-minutes',
  ClaudeArgs: 'claude-args',
  ClaudeVersion: 'claude-version',
  ClaudePath: 'claude-path',
  AllowedActors: 'allowed-actors',
  Matrix: 'matrix',
} as const

export const Outputs = {
  Conclusion: 'conclusion',
  ExitCode: 'exit-code',
  ChangedFiles: 'changed-files',
  Violations: 'violations',
  StrippedEnv: 'stripped-env',
  PermissionDenials: 'permission-denials',
  CommentUrl: 'comment-url',
  ReportFile: 'report-file',
  PatchFile: 'patch-file',
  TranscriptFile: 'transcript-file',
  Result: 'result',
  CostUsd: 'cost-usd',
  Turns: 'turns',
} as const

/** Keys of the action state the post step reads (`STATE_<key>`). */
export const State = {
  /** JSON of the {@link RestorePlan}: everything that must be put back. */
  RestorePlan: 'airlock-restore-plan',
  /** Set once `main` has restored everything itself. */
  Restored: 'airlock-restored',
} as const

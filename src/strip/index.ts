/**
 * Strip: what the agent must not inherit is taken away before it starts. Its environment is built
 * from an allowlist, credential-named and credential-looking variables removed (`environment.ts`,
 * `allowlist.ts`); git credentials that earlier steps persisted are taken away for the run and put
 * back byte for byte afterwards (`credentials/`).
 */
export {
  buildAgentEnvironment,
  describeEnvironment,
  isCredentialName,
  type AgentEnvironmentBuild,
  type EnvironmentOptions,
  type StripReason,
} from './environment.js'
export {
  neutralizeGitCredentials,
  readCredentialsChange,
  restoreGitCredentials,
  type CredentialsChange,
  type NeutralizeOptions,
} from './credentials/index.js'
export { stripEnvironment, takeGitCredentials } from './stage.js'

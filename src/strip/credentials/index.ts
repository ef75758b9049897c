/**
 * Git credentials: what earlier steps persisted (actions/checkout's auth header and v6 include
 * file, credential helpers and stores, tokens in URLs, checkout's SSH key) is taken away for the
 * agent's run (`neutralize.ts`) and put back byte for byte afterwards (`backup.ts`).
 */
export {
  readCredentialsChange,
  restoreGitCredentials,
  type CredentialsBackup,
  type CredentialsChange,
} from './backup.js'
export { neutralizeGitCredentials, type NeutralizeOptions } from './neutralize.js'

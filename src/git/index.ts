/**
 * Git: the one hardened runner every git call of the action goes through (`git.ts`).
 */
export {
  GitError,
  gitArgs,
  gitEnv,
  HARDENING_CONFIG,
  HARDENING_ENV,
  runGit,
  streamGit,
  type GitOptions,
} from './git.js'

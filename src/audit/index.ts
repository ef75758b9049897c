/**
 * The audit: what the agent changed, read by git from the files on disk through a private
 * store, and what among it breaks the rules. `snapshotWorktree` before the agent runs,
 * `collectChanges` after; `scanPrivilegedFiles` for what git does not record (setuid bits, file
 * capabilities). The modules behind this entry:
 * - `repository.ts`: where the repository is, and its HEAD;
 * - `store.ts`: the private bare repository and its hardened settings;
 * - `snapshot.ts`: the working tree written as a tree in the store;
 * - `collect.ts`: the final snapshot compared with the baseline, judged;
 * - `diff.ts`: the one diff pass (changes, line counts, scanned lines, patch file);
 * - `large-files.ts`: large new text files streamed from the store instead of diffed by git;
 * - `history.ts`: where HEAD went, and the commits the agent made;
 * - `settle.ts`: waiting for every git process before cleaning up;
 * - `new-file-patch.ts`, `patch.ts`: the patch file's content and the file itself;
 * - `protected-paths.ts`, `setuid-scan.ts`: the rules;
 * - `parse/`: pure parsers of git's output.
 */
export { collectChanges, type CollectOptions } from './collect.js'
export { privilegedViolations, scanPrivilegedFiles } from './setuid-scan.js'
export { resolveProtectedPaths } from './protected-paths.js'
export { locateRepository, type Repository } from './repository.js'
export { snapshotWorktree, type Snapshot } from './snapshot.js'
export {
  auditChanges,
  startLocating,
  takeBaseline,
  type AuditOptions,
  type Baseline,
} from './stage.js'

/**
 * Parsers for git's machine-readable output, one a module: NUL-separated lists (`nul.ts`), the
 * raw records of a diff (`raw.ts`), its patch (`added-lines.ts`), the two joined into changed
 * files (`join.ts`), `cat-file --batch` (`cat-file.ts`) and the index file (`index-file.ts`),
 * over shared byte helpers (`bytes.ts`). All pure: bytes in, data out. The streaming parsers keep
 * at most one bounded line or field in memory (and the raw records, one per changed file),
 * whatever the size of the input.
 */
export { decodeBytes, isBinaryToGit } from './bytes.js'
export { NulSplitter, splitNul } from './nul.js'
export {
  GITLINK_MODE,
  RawPatchSplitter,
  REGULAR_MODES,
  SYMLINK_MODE,
  type RawEntry,
} from './raw.js'
export { AddedLineParser, type AddedLine, type PatchSection } from './added-lines.js'
export { joinPatchSections, type DiffEntry } from './join.js'
export { CatFileBatchParser } from './cat-file.js'
export { indexMarks, walkIndex, type IndexEntry } from './index-file.js'

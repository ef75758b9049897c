/**
 * Path rules the audit applies to the agent's changes: protected globs, and symlinks that point
 * out of the tree. Pure: paths in, violations out.
 */
import path from 'node:path'
import picomatch from 'picomatch'
import type { ChangedFile, Violation } from '../types/stages.js'

/** A built-in protected pattern and why a change there matters. */
export interface ProtectedPattern {
  /** A picomatch glob, matched against repository-relative `/`-separated paths. */
  pattern: string
  reason: string
}

/**
 * Paths an agent must not change without a human noticing. Nested variants (`**∕…`) are used
 * wherever the tool that reads the file also reads it below the top level.
 */
export const BUILTIN_PROTECTED_PATHS: readonly ProtectedPattern[] = Object.freeze([
  { pattern: '.github/**', reason: 'workflows and local actions run with the repository secrets' },
  { pattern: '**/action.yml', reason: 'an action definition runs inside the workflows using it' },
  { pattern: '**/action.yaml', reason: 'an action definition runs inside the workflows using it' },
  { pattern: '**/.claude/**', reason: "Claude Code's own settings, hooks, skills and commands" },
  { pattern: '**/CLAUDE.md', reason: 'instructions every later Claude Code session obeys' },
  { pattern: '**/CLAUDE.local.md', reason: 'instructions every later Claude Code session obeys' },
  { pattern: '.mcp.json', reason: 'MCP servers start as processes in later sessions' },
  { pattern: '**/.env*', reason: 'environment files hold credentials' },
  { pattern: '**/*.pem', reason: 'certificates and private keys' },
  { pattern: '**/*.key', reason: 'private keys' },
  { pattern: '**/id_rsa*', reason: 'SSH private keys' },
  { pattern: 'CODEOWNERS', reason: 'decides who must approve changes' },
  { pattern: 'docs/CODEOWNERS', reason: 'decides who must approve changes' },
  { pattern: '.gitmodules', reason: 'points submodules at other repositories' },
  { pattern: '**/.gitattributes', reason: 'selects filter, diff and merge drivers git runs' },
  { pattern: '.husky/**', reason: 'git hooks installed on every developer machine' },
])

/**
 * picomatch settings: dotfiles match, any character (newlines too) matches inside `*` and `**`,
 * and case is ignored, so `.GitHub/x` or `KEY.PEM` cannot slip past a rule on a
 * case-insensitive file system. Without the `s` flag picomatch's `**` stops at a newline, and
 * `.github/workflows/a\nb.yml` would not match `.github/**`.
 */
const MATCH_OPTIONS: picomatch.PicomatchOptions = { dot: true, flags: 'si', windows: false }

/**
 * The patterns to enforce: the built-in set, plus every input pattern, minus every built-in
 * pattern named by an input `!pattern` (exactly as written in the built-in set). Blank entries
 * are ignored. Throws when a `!pattern` names no built-in pattern, so a typo cannot leave the
 * user believing a rule was removed.
 */
export function resolveProtectedPaths(input: readonly string[]): string[] {
  const builtins = BUILTIN_PROTECTED_PATHS.map((p) => p.pattern)
  const removed = new Set<string>()
  const added: string[] = []
  for (const raw of input) {
    const entry = raw.trim()
    if (entry === '') continue
    if (!entry.startsWith('!')) {
      added.push(entry)
      continue
    }
    const pattern = entry.slice(1).trim()
    if (!builtins.includes(pattern)) {
      throw new Error(
        `Invalid protected-paths entry '${entry}': '${pattern}' is not a built-in pattern. ` +
          `Built-in patterns: ${builtins.join(', ')}.`,
      )
    }
    removed.add(pattern)
  }
  return [...new Set([...builtins.filter((p) => !removed.has(p)), ...added])]
}

/** A path and the first pattern that protects it. */
export interface ProtectedMatch {
  path: string
  pattern: string
}

/** Returns, for each path that any pattern matches, the first pattern (in order) that does. */
export function matchProtected(
  paths: readonly string[],
  patterns: readonly string[],
): ProtectedMatch[] {
  return matchWith(compile(patterns), paths)
}

interface CompiledPattern {
  pattern: string
  test: (path: string) => boolean
}

function compile(patterns: readonly string[]): CompiledPattern[] {
  return patterns.map((pattern) => ({ pattern, test: picomatch(pattern, MATCH_OPTIONS) }))
}

function matchWith(
  matchers: readonly CompiledPattern[],
  paths: readonly string[],
): ProtectedMatch[] {
  const matches: ProtectedMatch[] = []
  for (const p of paths) {
    const hit = matchers.find((m) => m.test(p))
    if (hit !== undefined) matches.push({ path: p, pattern: hit.pattern })
  }
  return matches
}

/**
 * One `protected-path` violation per changed file that touches a protected pattern. A rename
 * counts for both its old and its new path (moving a workflow away is a change to it too).
 */
export function protectedPathViolations(
  files: readonly ChangedFile[],
  patterns: readonly string[],
): Violation[] {
  const violations: Violation[] = []
  const matchers = compile(patterns)
  for (const file of files) {
    const candidates = file.oldPath === undefined ? [file.path] : [file.oldPath, file.path]
    const [hit] = matchWith(matchers, candidates)
    if (hit === undefined) continue
    violations.push({
      kind: 'protected-path',
      path: hit.path,
      rule: hit.pattern,
      detail: `${describeChange(file)} (protected by ${hit.pattern})`,
    })
  }
  return violations
}

function describeChange(file: ChangedFile): string {
  const name = JSON.stringify(file.path)
  switch (file.status) {
    case 'added':
      return `${name} was added`
    case 'deleted':
      return `${name} was deleted`
    case 'renamed':
      return `${JSON.stringify(file.oldPath ?? '')} was renamed to ${name}`
    case 'type-changed':
      return `${name} changed type (${file.oldMode ?? '?'} to ${file.newMode ?? '?'})`
    case 'modified':
      return file.oldMode !== file.newMode
        ? `${name} was modified (mode ${file.oldMode ?? '?'} to ${file.newMode ?? '?'})`
        : `${name} was modified`
  }
}

/**
 * A `symlink-escape` violation when a symlink at `link` (repository-relative) points out of the
 * tree: a relative target that resolves, lexically from the link's folder, above the repository
 * root, or an absolute target outside `workspace`. Returns `null` for a target that stays in.
 * Lexical only: a chain of links is judged link by link, each one where it points.
 */
export function symlinkEscape(link: string, target: string, workspace: string): Violation | null {
  if (!path.posix.isAbsolute(workspace)) {
    throw new Error(`The workspace must be an absolute path, got ${JSON.stringify(workspace)}.`)
  }
  const shown = `${JSON.stringify(link)} points to ${JSON.stringify(target)}`
  if (path.posix.isAbsolute(target)) {
    if (isInside(path.posix.normalize(target), path.posix.normalize(workspace))) return null
    return {
      kind: 'symlink-escape',
      path: link,
      rule: 'symlink-outside-workspace',
      detail: `${shown}, outside the workspace`,
    }
  }
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(link), target))
  if (resolved !== '..' && !resolved.startsWith('../')) return null
  return {
    kind: 'symlink-escape',
    path: link,
    rule: 'symlink-outside-repository',
    detail: `${shown}, outside the repository`,
  }
}

/** Whether normalized absolute `p` is `root` or below it. */
function isInside(p: string, root: string): boolean {
  const base = root.endsWith('/') ? root : `${root}/`
  return p === root || `${p}/` === base || p.startsWith(base)
}

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BUILTIN_PROTECTED_PATHS,
  matchProtected,
  protectedPathViolations,
  resolveProtectedPaths,
  symlinkEscape,
} from '../../src/audit/protected-paths.js'
import type { ChangedFile } from '../../src/types/stages.js'

const BUILTINS = resolveProtectedPaths([])

describe('BUILTIN_PROTECTED_PATHS', () => {
  it('gives every pattern a reason, and no pattern twice', () => {
    const patterns = BUILTIN_PROTECTED_PATHS.map((p) => p.pattern)
    expect(new Set(patterns).size).toBe(patterns.length)
    expect(BUILTIN_PROTECTED_PATHS.every((p) => /^[^\n]+$/.test(p.reason.trim()))).toBe(true)
  })

  const protectedPaths = [
    '.github/workflows/ci.yml',
    '.github/CODEOWNERS',
    '.github',
    '.github/actions/setup/action.yml',
    'tools/release/action.yaml',
    'action.yml',
    '.claude/settings.json',
    'packages/web/.claude/commands/x.md',
    'CLAUDE.md',
    'docs/CLAUDE.md',
    'CLAUDE.local.md',
    '.mcp.json',
    '.env',
    'services/api/.env.production',
    'certs/server.pem',
    'server.key',
    'home/.ssh/id_rsa',
    'id_rsa.pub',
    'CODEOWNERS',
    'docs/CODEOWNERS',
    '.gitmodules',
    '.gitattributes',
    'vendor/lib/.gitattributes',
    '.husky/pre-commit',
  ]
  it.each(protectedPaths)('protects %s', (p) => {
    expect(matchProtected([p], BUILTINS)).toHaveLength(1)
  })

  const freePaths = [
    'src/index.ts',
    'README.md',
    'docs/github.md',
    'src/github/workflows.ts',
    'environment.ts',
    'src/CODEOWNERS.md',
    'lib/CODEOWNERS',
    'sub/.gitmodules',
    'sub/.mcp.json',
    'keys.txt',
  ]
  it.each(freePaths)('leaves %s alone', (p) => {
    expect(matchProtected([p], BUILTINS)).toEqual([])
  })
})

describe('resolveProtectedPaths', () => {
  it('adds input patterns after the built-in ones', () => {
    expect(resolveProtectedPaths(['infra/**', ' ', 'deploy/*.tf'])).toEqual([
      ...BUILTINS,
      'infra/**',
      'deploy/*.tf',
    ])
  })

  it('removes a built-in pattern named with !', () => {
    const resolved = resolveProtectedPaths(['!**/*.key', '!.husky/**'])
    expect(resolved).not.toContain('**/*.key')
    expect(resolved).not.toContain('.husky/**')
    expect(resolved).toHaveLength(BUILTINS.length - 2)
  })

  it('refuses to remove a pattern that is not built in', () => {
    expect(() => resolveProtectedPaths(['!.gitattributes'])).toThrow(
      /'\.gitattributes' is not a built-in pattern\. Built-in patterns: \.github\/\*\*/,
    )
  })

  it('keeps each pattern once', () => {
    expect(resolveProtectedPaths(['.github/**', 'x', 'x'])).toEqual([...BUILTINS, 'x'])
  })
})

describe('matchProtected', () => {
  it('returns the first pattern that matches each path', () => {
    expect(matchProtected(['a/b.pem', 'c.txt', 'a/b.key'], ['a/**', '**/*.pem'])).toEqual([
      { path: 'a/b.pem', pattern: 'a/**' },
      { path: 'a/b.key', pattern: 'a/**' },
    ])
  })

  const dodges = [
    '.github/workflows/evil\n.yml',
    '.github/workflows/evil\r.yml',
    '.github/workflows/evil\u2028.yml',
    '.github/work\u2029flows/x.yml',
    '.GitHub/workflows/ci.yml',
    'deploy/KEY.PEM',
    'x\ny/.env',
  ]
  it.each(dodges)('cannot be dodged by %j', (p) => {
    expect(matchProtected([p], BUILTINS)).toHaveLength(1)
  })

  it('matches any file below a protected folder, whatever its name holds', () => {
    const segment = fc.string({
      unit: fc.oneof(
        fc.constantFrom(
          '\n',
          '\r',
          '\u2028',
          '\u2029',
          '\t',
          ' ',
          '"',
          '\\',
          '*',
          '?',
          '[',
          '!',
          '(',
          '{',
          'é',
          '😀',
        ),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }).filter((c) => c !== '/'),
      ),
      minLength: 1,
      maxLength: 8,
    })
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const rest = segments.filter((s) => s !== '.' && s !== '..').join('/')
        fc.pre(rest !== '')
        expect(matchProtected([`.github/${rest}`], ['.github/**'])).toHaveLength(1)
        expect(matchProtected([`${rest}/.env`], ['**/.env*'])).toHaveLength(1)
      }),
      { numRuns: 500 },
    )
  })
})

describe('protectedPathViolations', () => {
  const file = (f: Partial<ChangedFile> & Pick<ChangedFile, 'path' | 'status'>): ChangedFile => ({
    additions: 1,
    deletions: 0,
    binary: false,
    ...f,
  })
  const cases: { name: string; file: ChangedFile; path: string; detail: string }[] = [
    {
      name: 'a modified workflow',
      file: file({
        path: '.github/workflows/ci.yml',
        status: 'modified',
        oldMode: '100644',
        newMode: '100644',
      }),
      path: '.github/workflows/ci.yml',
      detail: '".github/workflows/ci.yml" was modified (protected by .github/**)',
    },
    {
      name: 'a hook made executable',
      file: file({
        path: '.husky/pre-push',
        status: 'modified',
        oldMode: '100644',
        newMode: '100755',
      }),
      path: '.husky/pre-push',
      detail: '".husky/pre-push" was modified (mode 100644 to 100755) (protected by .husky/**)',
    },
    {
      name: 'an added key',
      file: file({ path: 'deploy/prod.key', status: 'added' }),
      path: 'deploy/prod.key',
      detail: '"deploy/prod.key" was added (protected by **/*.key)',
    },
    {
      name: 'a deleted CODEOWNERS',
      file: file({ path: 'CODEOWNERS', status: 'deleted' }),
      path: 'CODEOWNERS',
      detail: '"CODEOWNERS" was deleted (protected by CODEOWNERS)',
    },
    {
      name: 'a workflow renamed away',
      file: file({ path: 'old-ci.yml', oldPath: '.github/workflows/ci.yml', status: 'renamed' }),
      path: '.github/workflows/ci.yml',
      detail: '".github/workflows/ci.yml" was renamed to "old-ci.yml" (protected by .github/**)',
    },
    {
      name: 'a file renamed into a protected place',
      file: file({ path: 'CLAUDE.md', oldPath: 'notes.md', status: 'renamed' }),
      path: 'CLAUDE.md',
      detail: '"notes.md" was renamed to "CLAUDE.md" (protected by **/CLAUDE.md)',
    },
    {
      name: 'a settings file replaced by a symlink',
      file: file({
        path: '.mcp.json',
        status: 'type-changed',
        oldMode: '100644',
        newMode: '120000',
      }),
      path: '.mcp.json',
      detail: '".mcp.json" changed type (100644 to 120000) (protected by .mcp.json)',
    },
    {
      name: 'a name with a newline',
      file: file({ path: '.github/a\nb.yml', status: 'added' }),
      path: '.github/a\nb.yml',
      detail: '".github/a\\nb.yml" was added (protected by .github/**)',
    },
  ]
  it.each(cases)('reports $name', ({ file: f, path, detail }) => {
    expect(protectedPathViolations([f], BUILTINS)).toEqual([
      { kind: 'protected-path', path, rule: expect.any(String), detail },
    ])
  })

  it('reports nothing for unprotected changes', () => {
    expect(
      protectedPathViolations([file({ path: 'src/a.ts', status: 'modified' })], BUILTINS),
    ).toEqual([])
  })
})

describe('symlinkEscape', () => {
  const workspace = '/home/runner/work/repo'
  const cases: { link: string; target: string; rule: string | null }[] = [
    { link: 'docs/link', target: '../README.md', rule: null },
    { link: 'link', target: 'sub/dir/../file', rule: null },
    { link: 'a/b/link', target: '../../x', rule: null },
    { link: 'link', target: '.', rule: null },
    { link: 'link', target: '..', rule: 'symlink-outside-repository' },
    { link: 'a/link', target: '../../etc/passwd', rule: 'symlink-outside-repository' },
    { link: 'a/link', target: 'b/../../../x', rule: 'symlink-outside-repository' },
    { link: 'link', target: '/etc/passwd', rule: 'symlink-outside-workspace' },
    { link: 'link', target: '/home/runner/work/repo-evil/x', rule: 'symlink-outside-workspace' },
    {
      link: 'link',
      target: '/home/runner/work/repo/../../.ssh/id_rsa',
      rule: 'symlink-outside-workspace',
    },
    { link: 'link', target: '/home/runner/work/repo', rule: null },
    { link: 'link', target: '/home/runner/work/repo/src/x.ts', rule: null },
    { link: 'link', target: '//home/runner/work/repo/x', rule: null },
  ]
  it.each(cases)('judges $link -> $target', ({ link, target, rule }) => {
    expect(symlinkEscape(link, target, workspace)?.rule ?? null).toBe(rule)
  })

  it('names the link and its target', () => {
    expect(symlinkEscape('leak', '/etc/shadow', '/w')).toEqual({
      kind: 'symlink-escape',
      path: 'leak',
      rule: 'symlink-outside-workspace',
      detail: '"leak" points to "/etc/shadow", outside the workspace',
    })
  })

  it('treats a workspace of / as containing every absolute path', () => {
    expect(symlinkEscape('l', '/etc/passwd', '/')).toBeNull()
  })

  it('refuses a relative workspace', () => {
    expect(() => symlinkEscape('l', 'x', 'work')).toThrow(/absolute/)
  })
})

/**
 * The layout rules of docs/ARCHITECTURE.md, checked: no source file over 400 lines, no top-level
 * function (or method of a top-level class) over 80 lines, generated tables aside; the hook imports
 * nothing outside hook/ and types/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const SRC = path.join(ROOT, 'src')

/** Files that are generated tables, not logic: exempt from the size rules. */
const GENERATED = new Set(['agent/install/pins.ts'])

const MAX_FILE_LINES = 400
const MAX_FUNCTION_LINES = 80

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : []
  })
}

const files = sourceFiles(SRC).map((file) => ({
  rel: path.relative(SRC, file).split(path.sep).join('/'),
  text: readFileSync(file, 'utf8'),
}))

/** Every top-level function, arrow function or class method with its length in lines. */
function functionLengths(text: string): { name: string; lines: number }[] {
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true)
  const lines = (node: ts.Node): number =>
    source.getLineAndCharacterOfPosition(node.getEnd()).line -
    source.getLineAndCharacterOfPosition(node.getStart(source)).line +
    1
  const found: { name: string; lines: number }[] = []
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement)) {
      found.push({ name: statement.name?.text ?? '(default)', lines: lines(statement) })
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer
        if (init !== undefined && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          found.push({ name: declaration.name.getText(source), lines: lines(init) })
        }
      }
    } else if (ts.isClassDeclaration(statement)) {
      for (const member of statement.members) {
        if (ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) {
          const name = `${statement.name?.text ?? '?'}.${member.name?.getText(source) ?? 'constructor'}`
          found.push({ name, lines: lines(member) })
        }
      }
    }
  }
  return found
}

describe('source layout', () => {
  it(`keeps every source file within ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .filter((f) => !GENERATED.has(f.rel))
      .map((f) => ({ file: f.rel, lines: f.text.split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_FILE_LINES)
    expect(long).toEqual([])
  })

  it(`keeps every top-level function within ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files
      .filter((f) => !GENERATED.has(f.rel))
      .flatMap((f) =>
        functionLengths(f.text)
          .filter((fn) => fn.lines > MAX_FUNCTION_LINES)
          .map((fn) => `${f.rel}: ${fn.name} (${fn.lines} lines)`),
      )
    expect(long).toEqual([])
  })

  it('measures functions the way the rule reads', () => {
    const body = Array.from({ length: 5 }, (_, i) => `  const a${i} = ${i}`).join('\n')
    expect(functionLengths(`export function f(): void {\n${body}\n}\n`)).toEqual([
      { name: 'f', lines: 7 },
    ])
    expect(
      functionLengths(`const g = () => {\n${body}\n}\nclass C {\n  m(): void {}\n}\n`),
    ).toEqual([
      { name: 'g', lines: 7 },
      { name: 'C.m', lines: 1 },
    ])
  })
})

/**
 * Imports that may reach past a folder's `index.ts`, and why. Everything else outside a module's
 * own folder (and the folders it sits in) goes through that folder's entry.
 */
const DIRECT_IMPORTS = new Map([
  // Every stage throws a Refusal; the pipeline's entry loads run(), which imports the stages.
  [
    'pipeline/errors.ts',
    'imported by the stages: going through pipeline/index.ts would be a cycle',
  ],
  // The post bundle is the restore path alone: it must not load run() and every stage.
  ['pipeline/post.ts', "the post bundle's entry (bin/post.ts) loads the post step alone"],
  ['inputs/contract.ts', 'the restore plan (post bundle) needs the state names, not the inputs'],
])

/** Each relative import (static or dynamic) of `text`, as written. */
function relativeImports(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '')
}

describe('folder entries', () => {
  it("reaches another folder's modules through its index.ts", () => {
    const bypasses = files.flatMap((f) => {
      const from = path.posix.dirname(f.rel)
      return relativeImports(f.text).flatMap((spec) => {
        const target = path.posix.normalize(path.posix.join(from, spec)).replace(/\.js$/, '.ts')
        const dir = path.posix.dirname(target)
        const inOwnFolders = from === dir || from.startsWith(`${dir}/`) || dir === '.'
        const allowed =
          inOwnFolders ||
          target.endsWith('/index.ts') ||
          dir === 'types' ||
          DIRECT_IMPORTS.has(target)
        return allowed ? [] : [`${f.rel} → ${target}`]
      })
    })
    expect(bypasses).toEqual([])
  })

  it('finds the imports the rule reads', () => {
    expect(
      relativeImports(
        "import { a } from '../lock/index.js'\nconst m = await import('./x.js')\nimport b from 'picomatch'",
      ),
    ).toEqual(['../lock/index.js', './x.js'])
  })
})

/**
 * The policy hook's bundle (dist/hook) is src/hook/ and src/types/, nothing else: followed from
 * its entry through every import (static, `export … from` and `import()`), so a reviewer who
 * reads those two folders has read everything the CLI runs for each tool call. ESLint refuses
 * such an import where it is written; this test follows the whole graph. And src/types/ holds
 * types only (an `as const` table at most), so importing it brings no code along.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const SRC = path.join(ROOT, 'src')
const ENTRY = path.join(SRC, 'bin/hook.ts')

/** The packages the hook may load besides Node's own modules; a new one is a reviewed change. */
const HOOK_PACKAGES = new Set(['picomatch'])

/** Every module specifier a file names: imports, re-exports, `import()` and `require()`. */
function specifiersOf(text: string): string[] {
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text)
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [first] = node.arguments
      found.push(first !== undefined && ts.isStringLiteral(first) ? first.text : '<computed>')
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The files the hook's bundle is built from, and the packages it loads. */
function hookGraph(): { files: string[]; packages: string[] } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const pending = [ENTRY]
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue
    files.add(file)
    for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        pending.push(path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'))
      } else {
        packages.add(spec)
      }
    }
  }
  return { files: [...files].map((f) => path.relative(SRC, f)).sort(), packages: [...packages] }
}

describe('the policy hook bundle', () => {
  const graph = hookGraph()

  it('is built from src/hook/ and src/types/ only', () => {
    expect(graph.files).toContain('hook/decide.ts')
    const outside = graph.files.filter(
      (f) => f !== 'bin/hook.ts' && !f.startsWith('hook/') && !f.startsWith('types/'),
    )
    expect(outside).toEqual([])
  })

  it("loads only Node's modules and the listed packages", () => {
    const node = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])
    expect(graph.packages.filter((p) => !node.has(p) && !HOOK_PACKAGES.has(p))).toEqual([])
  })

  it('finds every kind of import', () => {
    const text = [
      "import a from './a.js'",
      "import type { B } from '../types/b.js'",
      "export { c } from './c.js'",
      "const d = await import('../lock/d.js')",
      'const e = await import(name)',
    ].join('\n')
    expect(specifiersOf(text)).toEqual([
      './a.js',
      '../types/b.js',
      './c.js',
      '../lock/d.js',
      '<computed>',
    ])
  })
})

describe('src/types', () => {
  it('holds types only (an `as const` table at most)', () => {
    const code: string[] = []
    for (const name of readdirSync(path.join(SRC, 'types'))) {
      const text = readFileSync(path.join(SRC, 'types', name), 'utf8')
      const source = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true)
      for (const statement of source.statements) {
        const typeOnly =
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          (ts.isImportDeclaration(statement) &&
            statement.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword) ||
          (ts.isExportDeclaration(statement) && statement.isTypeOnly)
        const constTable =
          ts.isVariableStatement(statement) &&
          statement.declarationList.declarations.every(
            (d) =>
              d.initializer !== undefined &&
              ts.isAsExpression(d.initializer) &&
              d.initializer.type.getText(source) === 'const',
          )
        if (!typeOnly && !constTable)
          code.push(`${name}: ${statement.getText(source).slice(0, 60)}`)
      }
    }
    expect(code).toEqual([])
  })
})

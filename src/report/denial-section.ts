/**
 * The blocked-actions section: every refusal (by the CLI, the hook or the sandbox) grouped by tool
 * and reason, largest groups first, with counts and a few distinct examples.
 *
 * Pure: denials in, markdown out.
 */

import type { Denial } from '../types/stages.js'
import { codeSpan, escapeCell } from './escape.js'
import { num, plural, row, table } from './format.js'
import { rowBlock, type RowBlock } from './layout.js'
import { clip } from './measure.js'

/** Most distinct examples shown per group. */
const MAX_EXAMPLES = 3

interface DenialGroup {
  tool: string
  reason: string
  sources: Set<string>
  count: number
  examples: string[]
}

function denialGroups(denials: Denial[]): DenialGroup[] {
  const byTool = new Map<string, Map<string, DenialGroup>>()
  for (const d of denials) {
    let reasons = byTool.get(d.tool)
    if (reasons === undefined) {
      reasons = new Map()
      byTool.set(d.tool, reasons)
    }
    let group = reasons.get(d.reason)
    if (group === undefined) {
      group = { tool: d.tool, reason: d.reason, sources: new Set(), count: 0, examples: [] }
      reasons.set(d.reason, group)
    }
    group.count++
    group.sources.add(d.source)
    if (group.examples.length < MAX_EXAMPLES && !group.examples.includes(d.target)) {
      group.examples.push(d.target)
    }
  }
  const tools = [...byTool.values()].map((reasons) => {
    const groups = [...reasons.values()].sort((a, b) => b.count - a.count)
    return { groups, count: groups.reduce((n, g) => n + g.count, 0) }
  })
  tools.sort((a, b) => b.count - a.count)
  return tools.flatMap((t) => t.groups)
}

/**
 * The blocked-actions table, one row per tool and reason; `withExamples` adds a column of
 * examples (left out when the report must be shortened).
 */
export function denialBlock(denials: Denial[], withExamples: boolean, moreAt: string): RowBlock {
  const groups = denialGroups(denials)
  const header = ['Tool', 'Reason', 'By', 'Count']
  if (withExamples) header.push('Examples')
  const rows = groups.map((g) => {
    const cells = [
      codeSpan(clip(g.tool, 60)),
      escapeCell(clip(g.reason, 200)),
      [...g.sources].sort().join(', '),
      num(g.count),
    ]
    if (withExamples) cells.push(g.examples.map((e) => codeSpan(clip(e, 100))).join('<br>'))
    return row(cells)
  })
  const head = [`#### Blocked actions (${num(denials.length)})`, '', ...table(header, [])].join(
    '\n',
  )
  return rowBlock(head, rows, (hidden) => `… and ${plural(hidden, 'more group')}; see ${moreAt}.`)
}

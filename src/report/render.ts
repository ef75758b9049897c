/**
 * The report a reviewer reads: the sticky PR comment and the job summary. One markdown document
 * that says what the agent changed, what the lock blocked and whether the policy held, within a
 * byte limit: when the whole does not fit, the least important parts are cut first and a note
 * says what was cut.
 *
 * Pure: data in, markdown out. Everything that comes from the agent or the repository is escaped
 * by the sections (see `escape.ts`).
 */

import {
  commitBlock,
  countUnflagged,
  fileBlock,
  ignoredSection,
  violationBlock,
} from './audit-sections.js'
import { denialBlock } from './denial-section.js'
import { escapeCell } from './escape.js'
import { num, plural } from './format.js'
import { Doc, fitRows, type SectionName } from './layout.js'
import { clip, codePoints, prefixWithin, size } from './measure.js'
import { messageSection, shortMessageSection } from './message-section.js'
import {
  agentSection,
  footerSection,
  isolationSection,
  lockSection,
  strippedSection,
} from './run-sections.js'
import type { ReportInput } from './types.js'
import { VERDICT_WORD, verdictText } from './verdict.js'

/**
 * GitHub's limit on a comment body. The API's error says "maximum is 65536 characters"; field
 * measurements (dead-claudia/github-limits, PR #13) found the real check counts bytes for some
 * text. {@link renderReport} keeps the UTF-8 byte length within the limit, which also keeps the
 * character count (UTF-16 units or code points) within it, whichever GitHub counts.
 */
export const COMMENT_LIMIT = 65_536

/**
 * A safe size for the job summary: the runner refuses a step summary over 1024k ("upload aborted,
 * supports content up to a size of 1024k"), so this stays a little below 1 MiB.
 */
export const SUMMARY_LIMIT = 1_000_000

/** Rendering options. */
export interface ReportOptions {
  /** Maximum UTF-8 byte length of the result. Default {@link COMMENT_LIMIT}. */
  limit?: number
  /** Where a reader finds what was cut (trusted markdown). */
  moreAt?: string
}

const DEFAULT_MORE_AT = 'the job summary and the report file (`report-file` output)'

/** Room kept for the cut notice, beyond the `moreAt` text it repeats. */
const NOTICE_RESERVE = 700

/** What the cut notice calls the rows of each row section. */
const ROW_NOUN: Partial<Record<SectionName, string>> = {
  violations: 'violations',
  files: 'changed-file rows',
  commits: 'commits',
  denials: 'blocked-action groups',
}

/**
 * The report as markdown, at most `limit` bytes of UTF-8 (default {@link COMMENT_LIMIT}), first
 * line `input.marker`.
 *
 * Order: verdict, violations, changed files and commits, blocked actions, agent, isolation,
 * stripped variables, lock, the agent's final message, link to the run. When the whole report does
 * not fit, parts are cut least important first — the final message (shortened, then left out),
 * isolation evidence, stripped-variable names, ignored-file names, changed-file rows (rows of files
 * with a violation are kept), blocked-action examples, commits, blocked-action rows, the remaining
 * changed-file rows — and a note under the verdict says what was cut. Violations are cut last, and
 * then only from the end, with a count of what is not shown. Linear in the size of the input.
 */
export function renderReport(input: ReportInput, options: ReportOptions = {}): string {
  const limit = options.limit ?? COMMENT_LIMIT
  const moreAt = options.moreAt ?? DEFAULT_MORE_AT
  const doc = composeDoc(input, limit, moreAt)

  const cuts = doc.total(false) > limit ? cutToFit(doc, input, limit, moreAt) : []
  for (const [name, block] of doc.blocks()) {
    const hidden = block.total - block.shown
    if (hidden > 0) {
      cuts.push(`${num(hidden)} of ${num(block.total)} ${ROW_NOUN[name] ?? 'rows'}`)
    }
  }
  if (cuts.length > 0) {
    doc.text(
      'notice',
      `> **Shortened to fit the ${num(limit)}-byte limit.** Left out: ${cuts.join('; ')}. ` +
        `The full record is in ${moreAt}.`,
    )
  }
  const markdown = doc.render()
  return size(markdown) <= limit ? markdown : lastResort(input, limit, moreAt)
}

/** Every section of the report, whole (only the changed-file rows past `limit` bytes unbuilt). */
function composeDoc(input: ReportInput, limit: number, moreAt: string): Doc {
  const audit = input.audit
  const violations = audit?.violations ?? []
  const files = audit?.files ?? []
  const message = input.agent?.result

  const doc = new Doc(NOTICE_RESERVE + size(moreAt))
  doc.text(
    'head',
    `${input.marker}\n**Airlock: ${VERDICT_WORD[input.conclusion]}** — ${escapeCell(clip(verdictText(input), 500))}`,
  )
  if (violations.length > 0) doc.rows('violations', violationBlock(violations, moreAt))
  if (audit !== undefined) {
    doc.rows('files', fileBlock(files, violations, moreAt, limit))
    if (audit.ignored.length > 0) doc.text('ignored', ignoredSection(audit.ignored, true))
    if (audit.commits.length > 0) doc.rows('commits', commitBlock(audit.commits, moreAt))
  } else if (input.conclusion !== 'refused') {
    doc.text('files', '#### Changed files\n\nNo audit record.')
  }
  if (input.denials.length > 0) doc.rows('denials', denialBlock(input.denials, true, moreAt))
  doc.text('agent', agentSection(input.agent))
  if (input.isolation !== undefined) doc.text('isolation', isolationSection(input.isolation, true))
  doc.text('stripped', strippedSection(input.stripped, true))
  doc.text('lock', lockSection(input.lock))
  if (message !== undefined && message !== '') doc.text('message', messageSection(message))
  const footer = footerSection(input)
  if (footer !== '') doc.text('footer', footer)
  return doc
}

/**
 * Cuts, least important first, until the document and the cut notice fit in `limit` bytes (or
 * there is nothing left to cut). Returns what was cut, for the notice; rows left out of a block
 * are counted by the caller.
 */
function cutToFit(doc: Doc, input: ReportInput, limit: number, moreAt: string): string[] {
  const cuts: string[] = []
  for (const step of cutSteps(doc, input, limit, moreAt)) {
    if (doc.total(true) <= limit) break
    const cut = step()
    if (cut !== undefined) cuts.push(cut)
  }
  return cuts
}

/** The cuts in the order they are made; each says what it left out, if anything. */
function cutSteps(
  doc: Doc,
  input: ReportInput,
  limit: number,
  moreAt: string,
): Array<() => string | undefined> {
  const audit = input.audit
  const violations = audit?.violations ?? []
  const files = audit?.files ?? []
  const message = input.agent?.result
  /** Bytes left for section `name` when everything else stays as it is, notice included. */
  const budgetFor = (name: SectionName): number => limit - (doc.total(true) - doc.sizeOf(name))
  /** Shows as many of the block's rows as fit, never fewer than `min`. */
  const fit = (name: SectionName, min: number): undefined => {
    const block = doc.block(name)
    if (block !== undefined) fitRows(block, budgetFor(name), min)
    return undefined
  }
  return [
    () => {
      if (message === undefined || !doc.has('message')) return undefined
      const shortened = shortMessageSection(message, budgetFor('message'))
      if (shortened !== undefined) {
        doc.text('message', shortened)
        return "the end of the agent's final message"
      }
      const characters = plural(codePoints(message), 'character')
      doc.text('message', `The agent's final message (${characters}) was left out to fit.`)
      return "the agent's final message"
    },
    () => {
      if (input.isolation === undefined || input.isolation.evidence.length === 0) return undefined
      doc.text('isolation', isolationSection(input.isolation, false))
      return 'isolation evidence'
    },
    () => {
      if (input.stripped.length === 0) return undefined
      doc.text('stripped', strippedSection(input.stripped, false))
      return 'the names of the removed variables'
    },
    () => {
      if (audit === undefined || audit.ignored.length === 0) return undefined
      doc.text('ignored', ignoredSection(audit.ignored, false))
      return 'the names of new ignored files'
    },
    () => fit('files', files.length - countUnflagged(files, violations)),
    () => {
      if (input.denials.length === 0) return undefined
      doc.rows('denials', denialBlock(input.denials, false, moreAt))
      return 'examples of blocked actions'
    },
    () => fit('commits', 0),
    () => fit('denials', 0),
    () => fit('files', 0),
    () => fit('violations', 0),
  ]
}

/** When even the cut report is too long (a very small limit): verdict and counts only. */
function lastResort(input: ReportInput, limit: number, moreAt: string): string {
  const counts = [
    plural(input.audit?.violations.length ?? 0, 'violation'),
    plural(input.denials.length, 'blocked action'),
    `${plural(input.audit?.files.length ?? 0, 'file')} changed`,
  ]
  const text = [
    `${input.marker}\n**Airlock: ${VERDICT_WORD[input.conclusion]}** — ${escapeCell(clip(verdictText(input), 200))}`,
    `${counts.join(', ')}. The report did not fit in ${num(limit)} bytes; it is in ${moreAt}.`,
  ].join('\n\n')
  return size(text) <= limit ? text : prefixWithin(text, limit)
}

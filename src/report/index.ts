/**
 * The report stage: the verdict, the markdown report (sticky PR comment and job summary), the
 * `report-file` record, and the upsert of the sticky comment. What the rest of the action uses.
 *
 * Everything is pure except `publishReport` (the stage: summary, comment, annotations, outputs)
 * and `upsertStickyComment` (thin I/O over a client it is given). The pipeline imports this module
 * lazily, after the agent, to keep start-up fast; elsewhere only its types are imported.
 */

export { publishReport, type RunFacts } from './publish.js'

export { conclusionFor, summaryLine } from './verdict.js'
export { COMMENT_LIMIT, SUMMARY_LIMIT, renderReport, type ReportOptions } from './render.js'
export { REPORT_RECORD_VERSION, reportRecord, type ReportRecord } from './record.js'
export type { LockSummary, ReportInput } from './types.js'
export { matrixKey, stickyMarker } from './marker.js'
export { findPullRequestNumber } from './pull-request.js'
export {
  upsertStickyComment,
  type CommentsClient,
  type IssueCommentLike,
  type ListCommentsMethod,
  type ListCommentsParams,
  type StickyCommentDeps,
  type StickyCommentResult,
  type StickyCommentTarget,
} from './sticky-comment.js'

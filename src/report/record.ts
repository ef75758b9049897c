/**
 * The machine-readable `report-file` record: the report's input as data, with a version.
 *
 * Pure: data in, data out (the caller redacts and writes it).
 */

import type { ReportInput } from './types.js'

/** Version of the `report-file` record's shape; raised on any incompatible change. */
export const REPORT_RECORD_VERSION = 1

/**
 * The machine-readable record written to the `report-file` output: the report's input without the
 * comment marker, plus a `version`. Its shape is documented by `docs/report.schema.json` (JSON
 * Schema draft 2020-12) and `docs/report-schema.md`, and a test keeps the two in step.
 */
export type ReportRecord = { version: typeof REPORT_RECORD_VERSION } & Omit<ReportInput, 'marker'>

/** The `report-file` record for a report (pure; the caller redacts it as it serialises it). */
export function reportRecord(input: ReportInput): ReportRecord {
  // The marker is the comment's plumbing, not a fact of the run.
  const record: ReportRecord & { marker?: string } = { version: REPORT_RECORD_VERSION, ...input }
  delete record.marker
  return record
}

/**
 * Which pull request a workflow event is about, read from the event's payload.
 *
 * Pure: an event name and its payload in, a number or `null` out.
 */

import { field } from './field.js'

const PR_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
])

/**
 * The pull request a workflow event is about, or `null` when it is not about one (push, schedule,
 * workflow_dispatch, an `issue_comment` on a plain issue, a malformed payload).
 */
export function findPullRequestNumber(eventName: string, payload: unknown): number | null {
  if (PR_EVENTS.has(eventName)) {
    return positiveInteger(field(field(payload, 'pull_request'), 'number'))
  }
  if (eventName === 'issue_comment') {
    const issue = field(payload, 'issue')
    const pr = field(issue, 'pull_request')
    if (pr === undefined || pr === null) return null
    return positiveInteger(field(issue, 'number'))
  }
  return null
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null
}

import { describe, expect, it } from 'vitest'
import { findPullRequestNumber } from '../../src/report/pull-request.js'

describe('findPullRequestNumber', () => {
  it.each([
    ['pull_request', { pull_request: { number: 12 } }, 12],
    ['pull_request_target', { pull_request: { number: 13 } }, 13],
    ['pull_request_review', { pull_request: { number: 14 } }, 14],
    ['pull_request_review_comment', { pull_request: { number: 15 } }, 15],
    ['issue_comment', { issue: { number: 16, pull_request: { url: 'https://x' } } }, 16],
    ['issue_comment', { issue: { number: 17 } }, null],
    ['issue_comment', { issue: { number: 18, pull_request: null } }, null],
    ['push', { pull_request: { number: 19 } }, null],
    ['schedule', {}, null],
    ['workflow_dispatch', { inputs: {} }, null],
    ['pull_request', {}, null],
    ['pull_request', { pull_request: { number: '20' } }, null],
    ['pull_request', { pull_request: { number: -1 } }, null],
    ['pull_request', null, null],
  ])('%s with %j → %s', (event, payload, expected) => {
    expect(findPullRequestNumber(event, payload)).toBe(expected)
  })
})

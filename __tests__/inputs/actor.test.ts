import { describe, expect, it } from 'vitest'
import { actorOf, needsActorCheck, refuseActor } from '../../src/inputs/actor.js'

const user = { login: 'alice', type: 'User' }

describe('who may start the agent', () => {
  it.each([
    ['issue_comment', true],
    ['pull_request_review', true],
    ['pull_request_review_comment', true],
    ['pull_request', false],
    ['push', false],
    ['schedule', false],
    ['workflow_dispatch', false],
  ])('checks the actor on %s: %s', (eventName, checked) => {
    expect(needsActorCheck(eventName)).toBe(checked)
  })

  it.each([
    ['admin', null],
    ['maintain', null],
    ['write', null],
    ['triage', /alice has triage access/],
    ['read', /alice has read access to the repository; only users with write access/],
    ['none', /alice has none access/],
  ] as const)('a user with %s access', (permission, expected) => {
    const refusal = refuseActor({
      eventName: 'issue_comment',
      actor: user,
      permission,
      allowedActors: [],
    })
    if (expected === null) expect(refusal).toBeNull()
    else expect(refusal).toMatch(expected)
  })

  it('lets a user listed in allowed-actors start the agent whatever their access (case-insensitive)', () => {
    expect(
      refuseActor({
        eventName: 'issue_comment',
        actor: user,
        permission: 'read',
        allowedActors: ['Alice'],
      }),
    ).toBeNull()
  })

  it('refuses a bot unless it is listed, even with write access', () => {
    const bot = { login: 'renovate[bot]', type: 'Bot' }
    expect(
      refuseActor({
        eventName: 'issue_comment',
        actor: bot,
        permission: 'write',
        allowedActors: [],
      }),
    ).toMatch(/bots may start the agent only when listed in allowed-actors/)
    expect(
      refuseActor({
        eventName: 'issue_comment',
        actor: bot,
        permission: 'write',
        allowedActors: ['renovate[bot]'],
      }),
    ).toBeNull()
  })

  it('fails closed when the permission cannot be read or the sender is missing', () => {
    expect(
      refuseActor({ eventName: 'issue_comment', actor: user, permission: null, allowedActors: [] }),
    ).toMatch(/could not read/)
    expect(
      refuseActor({
        eventName: 'issue_comment',
        actor: null,
        permission: 'admin',
        allowedActors: [],
      }),
    ).toMatch(/names no sender/)
  })

  it('does not check events no comment triggers', () => {
    expect(
      refuseActor({ eventName: 'pull_request', actor: null, permission: null, allowedActors: [] }),
    ).toBeNull()
  })

  it('reads the sender of a payload', () => {
    expect(actorOf({ sender: { login: 'bob', type: 'User' } })).toEqual({
      login: 'bob',
      type: 'User',
    })
    expect(actorOf({ sender: { login: '' } })).toBeNull()
    expect(actorOf({})).toBeNull()
    expect(actorOf(null)).toBeNull()
  })
})

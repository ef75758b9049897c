/**
 * Who may start the agent. On events a comment or review triggers, anyone who can comment could
 * otherwise make the agent run with the workflow's model key: only users with write access to the
 * repository, and those listed in `allowed-actors`, may. Bots only when listed. Pure (the API call
 * is in `actor-check.ts`).
 */

/** Events whose author is whoever wrote a comment or review. */
export const COMMENT_EVENTS: ReadonlySet<string> = new Set([
  'issue_comment',
  'pull_request_review',
  'pull_request_review_comment',
  'discussion_comment',
  'issues',
  'discussion',
])

/** Repository roles that may start the agent. */
export const WRITE_ROLES: ReadonlySet<string> = new Set(['admin', 'maintain', 'write'])

/** Who triggered the event, as the payload says. */
export interface Actor {
  login: string
  type: string
}

/** The triggering actor of an event payload (`sender`), or null when the payload has none. */
export function actorOf(payload: unknown): Actor | null {
  if (typeof payload !== 'object' || payload === null) return null
  const sender = (payload as { sender?: unknown }).sender
  if (typeof sender !== 'object' || sender === null) return null
  const { login, type } = sender as { login?: unknown; type?: unknown }
  if (typeof login !== 'string' || login === '') return null
  return { login, type: typeof type === 'string' ? type : 'User' }
}

/** Whether the event needs the check at all. */
export function needsActorCheck(eventName: string): boolean {
  return COMMENT_EVENTS.has(eventName)
}

/**
 * The decision, pure. `permission` is the actor's role as GitHub reports it (`admin`, `maintain`,
 * `write`, `triage`, `read`, `none`), or null when it could not be read. Returns null when the
 * actor may start the agent, else one sentence saying why not and what to do.
 */
export function refuseActor(args: {
  eventName: string
  actor: Actor | null
  permission: string | null
  allowedActors: readonly string[]
}): string | null {
  if (!needsActorCheck(args.eventName)) return null
  const actor = args.actor
  if (actor === null) {
    return `The ${args.eventName} event names no sender, so Airlock cannot tell who started it; the agent does not run.`
  }
  const listed = args.allowedActors.some((name) => name.toLowerCase() === actor.login.toLowerCase())
  if (listed) return null
  if (actor.type === 'Bot' || actor.login.endsWith('[bot]')) {
    return `${actor.login} is a bot, and bots may start the agent only when listed in allowed-actors.`
  }
  if (args.permission === null) {
    return `Airlock could not read ${actor.login}'s permission on the repository (the token needs metadata: read); the agent does not run.`
  }
  if (WRITE_ROLES.has(args.permission)) return null
  return `${actor.login} has ${args.permission} access to the repository; only users with write access, or listed in allowed-actors, may start the agent from a comment or review.`
}

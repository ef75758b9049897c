/**
 * Who may start the agent, checked before anything is changed: on events a comment or review
 * triggers, asks GitHub for the author's permission (the decision itself is `refuseActor`, pure).
 * I/O: loads `@actions/github` only when the event needs the check.
 */
import * as core from '@actions/core'
import { Refusal } from '../pipeline/errors.js'
import { actorOf, needsActorCheck, refuseActor } from './actor.js'
import type { Config } from './config.js'

/**
 * On comment- and review-triggered events (`eventName`, from `GITHUB_EVENT_NAME`), throws a
 * {@link Refusal} for an actor without write access who is not in `allowed-actors`.
 */
export async function checkActor(config: Config, eventName: string | undefined): Promise<void> {
  if (!needsActorCheck(eventName ?? '')) return
  // Loaded only when needed: Octokit is most of what @actions/github weighs.
  const github = await import('@actions/github')
  const actor = actorOf(github.context.payload)
  let permission: string | null = null
  const listed = config.allowedActors.some(
    (name) => name.toLowerCase() === actor?.login.toLowerCase(),
  )
  if (actor !== null && !listed && config.githubToken !== '') {
    try {
      const { owner, repo } = github.context.repo
      const octokit = github.getOctokit(config.githubToken)
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
        owner,
        repo,
        username: actor.login,
      })
      permission = data.role_name || data.permission
    } catch {
      permission = null
    }
  }
  const refusal = refuseActor({
    eventName: github.context.eventName,
    actor,
    permission,
    allowedActors: config.allowedActors,
  })
  if (refusal !== null) throw new Refusal(refusal)
  core.info(
    `Actor: ${actor?.login ?? '?'} may start the agent (${listed ? 'allowed-actors' : (permission ?? '?')}).`,
  )
}

/**
 * The pipeline's error vocabulary: the refusal a stage throws to stop the run before the agent
 * starts, and the one way an error becomes text. Pure; imports nothing, so any stage may import it
 * without loading the pipeline.
 */

/** Why the action refused to run the agent; the message is the one sentence the user reads. */
export class Refusal extends Error {
  override name = 'Refusal'
}

/** The message of `error` when it is an `Error`, else `error` as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Inputs: the action's public contract (input, output and state names), its inputs read once and
 * validated, the runner variables it reads, and who may start the agent.
 */
export { checkActor } from './actor-check.js'
export { actorOf, needsActorCheck, refuseActor, type Actor } from './actor.js'
export {
  InputError,
  parseConfig,
  parseLines,
  parseList,
  splitArgs,
  validateClaudeArgs,
  type Config,
  type RawInputs,
} from './config.js'
export { Inputs, Outputs, State } from './contract.js'
export { maskInputSecrets, readConfig } from './read.js'
export {
  readRunnerEnv,
  RUNNER_VARIABLES,
  type RunnerEnv,
  type RunnerVariable,
} from './runner-env.js'

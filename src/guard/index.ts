/**
 * The guard: is this runner a throwaway place (a container, or a GitHub-hosted VM destroyed after
 * the job)? `readProbe` asks the machine, `detectIsolation` classifies what it answered (pure),
 * `decideIsolation` applies the `isolation` input (pure).
 */
export { decideIsolation, detectIsolation } from './isolation.js'
export { readProbe } from './probe.js'
export { checkIsolation, requireIsolation } from './stage.js'

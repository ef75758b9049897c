/**
 * The Run stage: installs the CLI (`resolveClaude`), runs it in its own session with the lock
 * proven while it runs (`runAgent`), ends it and everything it started (`endAgentProcesses`), and
 * reads what it reported (its stream and its sandbox's refusals).
 */
export { runAgent, type AgentExit, type AgentOptions } from './run.js'
export { endAgentProcesses } from './session.js'
export type { LockProof } from './proof.js'
export { resolveClaude, type ResolveOptions } from './install/index.js'
export { MAX_SANDBOX_DENIALS, sandboxDenials } from './sandbox-log.js'
export type { StreamEvent, StreamState } from './stream.js'
export { cliDebugLog, installCli, runAgentFenced, type AgentRan } from './stage.js'
export { agentDenials, agentOutcome, writeTranscript } from './outcome.js'

/**
 * The pipeline, in the order of the threat model: check the inputs and who started the run; guard
 * (is the runner isolated?); strip (the environment, the git credentials); lock (the managed
 * settings, the sandbox, the policy hook); snapshot; install the CLI; run the agent, fenced;
 * restore the runner; audit what the agent changed; report. Each stage is a function in its own
 * folder that returns what `run()` records for the report. The only place that fails the step
 * (through the report). Whatever happens, the report is written and everything changed is put back.
 */
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import {
  agentDenials,
  agentOutcome,
  cliDebugLog,
  installCli,
  runAgentFenced,
  writeTranscript,
} from '../agent/index.js'
import { auditChanges, startLocating, takeBaseline } from '../audit/index.js'
import { checkIsolation, requireIsolation } from '../guard/index.js'
import {
  checkActor,
  InputError,
  maskInputSecrets,
  readConfig,
  readRunnerEnv,
  type RunnerEnv,
} from '../inputs/index.js'
import { installLock, isRoot, lockSummary } from '../lock/index.js'
import type { RunFacts } from '../report/index.js'
import { restoreRunner, RestorePlan } from '../restore/index.js'
import { Redactor } from '../secrets/index.js'
import { stripEnvironment, takeGitCredentials } from '../strip/index.js'
import { onCancel } from './cancel.js'
import { errorMessage, Refusal } from './errors.js'
import { stages } from './stage.js'

/**
 * Runs the whole pipeline on the runner's environment `source` (the action's own by default).
 * Never throws for what the agent or the runner does: that ends in the report.
 */
export async function run(source: NodeJS.ProcessEnv = process.env): Promise<void> {
  const runner = readRunnerEnv(source)
  const redactor = new Redactor()
  const warn = (warning: string): void => core.warning(redactor.redact(warning))
  // Everything changed on the runner is recorded here before it is changed, and put back from
  // here: after the agent, at the end, on cancel, or by the post step (from action state).
  const plan = new RestorePlan()
  onCancel(plan, warn)
  const { stage, timings } = stages()
  const facts: RunFacts = { config: null, stripped: [], denials: [] }
  let outDir: string | null = null
  try {
    const config = readConfig(runner)
    facts.config = config
    const out = outputDir(runner)
    outDir = out
    maskInputSecrets(config, redactor)
    await checkActor(config, runner.GITHUB_EVENT_NAME)

    facts.isolation = await stage('guard', () => checkIsolation(config.isolation))
    requireIsolation(facts.isolation, config.isolation)

    const environment = await stage('strip', async () => {
      const stripped = stripEnvironment(source, config, redactor)
      facts.stripped = stripped.stripped
      plan.open(runner.RUNNER_TEMP ?? os.tmpdir()) // from here on, there is something to put back
      await takeGitCredentials(config.workspace, plan, runner)
      return stripped
    })

    const located = startLocating(config.workspace)
    facts.lock = lockSummary(config, null)
    const lock = await stage('lock', () => installLock(config, plan, environment.env, runner))
    facts.lock = lockSummary(config, lock)

    const baseline = await stage('baseline snapshot', () =>
      takeBaseline(config.workspace, plan.privateDir, located, isRoot()),
    )
    const claude = await stage('CLI', () => installCli(config, runner))
    const ran = await stage('agent', () =>
      runAgentFenced({ claude, config, lock, plan, env: environment.env, redactor, runner }),
    )
    // The agent and everything it started are gone: put the runner back before anything else.
    await stage('restore', () => restoreRunner(plan, 'after-agent', warn))
    facts.lock = lockSummary(config, lock, ran.lockProven)
    facts.agent = ran.agent
    facts.denials = await agentDenials(ran, cliDebugLog(plan.privateDir), redactor)
    const transcriptFile = writeTranscript(out, ran, facts.denials)
    Object.assign(facts, agentOutcome(ran.exit, config.timeoutMinutes, redactor)) // stopped or failed

    facts.audit = await stage('audit', () =>
      auditChanges(baseline, config, {
        privateDir: plan.privateDir,
        strippedValues: environment.strippedValues,
        outDir: out,
        transcriptFile,
        redactor,
      }),
    )
  } catch (error) {
    facts.refusal = refusalFor(error, facts, redactor)
  } finally {
    await restoreRunner(plan, 'end', warn)
  }
  await stage('report', async () => {
    const { publishReport } = await import('../report/index.js')
    await publishReport(facts, { redactor, outDir, runner })
  })
  core.info(timings())
}

/** A folder for the outputs' files (transcript, patch, report), in `RUNNER_TEMP`. */
function outputDir(runner: RunnerEnv): string {
  const base = runner.RUNNER_TEMP ?? os.tmpdir()
  return mkdtempSync(path.join(base, 'airlock-output-'))
}

/**
 * The report's reason when a stage threw: a refusal's or an input's own sentence; after the
 * agent ran, an error says the audit could not be completed.
 */
function refusalFor(error: unknown, facts: RunFacts, redactor: Redactor): string {
  const message = errorMessage(error)
  return redactor.redact(
    error instanceof Refusal || error instanceof InputError || facts.agent === undefined
      ? message
      : `Airlock could not audit the agent's changes: ${message}`,
  )
}

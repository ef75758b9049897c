/**
 * Reads the inputs from the runner: the only module that calls `core.getInput`. Thin I/O over the
 * pure `parseConfig`.
 */
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { parseConfig, type Config } from './config.js'
import { Inputs } from './contract.js'
import type { RunnerEnv } from './runner-env.js'

/**
 * Reads every input from the runner (and the prompt file) and validates them, for the repository
 * at `GITHUB_WORKSPACE` (the current folder when unset).
 */
export function readConfig(runner: RunnerEnv): Config {
  const workspace = path.resolve(runner.GITHUB_WORKSPACE ?? process.cwd())
  const raw: Record<string, string> = {}
  for (const name of Object.values(Inputs)) raw[name] = core.getInput(name)
  const promptFile = (raw[Inputs.PromptFile] ?? '').trim()
  let promptFileText: string | null | undefined
  if (promptFile !== '') {
    try {
      promptFileText = readFileSync(path.resolve(workspace, promptFile), 'utf8')
    } catch {
      promptFileText = null
    }
  }
  return parseConfig(raw, { workspace, promptFileText, home: runner.HOME ?? os.homedir() })
}

/**
 * Masks the secret inputs (the model credential, the GitHub token) in the log and adds them to
 * `redactor`, before anything could print them.
 */
export function maskInputSecrets(config: Config, redactor: { add(value: string): void }): void {
  for (const value of [config.modelCredential.value, config.githubToken]) {
    if (value !== '') {
      core.setSecret(value)
      redactor.add(value)
    }
  }
}

/**
 * The restore plan: everything Airlock changes on the runner, saved in action state *before* each
 * change is made, so that `main` (right after the agent is gone, at its end, on cancel) or the
 * post step (after a crash or timeout) can put it back. Callers do not save it: every method that
 * records a change saves the plan first. I/O: makes the two private folders, writes action state.
 */
import { chmodSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
// The state names only, not through inputs/index.js: the post bundle holds the restore path alone.
import { State } from '../inputs/contract.js'
import type { CredentialsChange } from '../strip/index.js'
import type { SettingsChange } from '../lock/index.js'

/**
 * What the plan holds, as saved in state (`STATE_airlock-restore-plan`, read by the post step).
 * Plain JSON; holds paths, never a secret.
 */
export interface PlanRecord {
  /** The action's private folder: policy, logs, backups. Removed last. */
  privateDir: string
  /** The agent's temp folder. */
  agentTmp: string
  /** The CLI's pid (its process group and session) once started. */
  agentPid: number | null
  /** Set before the managed settings are touched. */
  settings: SettingsChange | null
  /** Where checkout's credentials are backed up (its manifest is written before any change). */
  credentialsBackupDir: string | null
  credentials: CredentialsChange | null
  /** A kernel parameter changed for the sandbox, and the value to put back. */
  sysctl: { key: string; value: string; useSudo: boolean } | null
}

/** A change the plan records: anything but the two folders, which are fixed when it opens. */
export type PlanChange = Partial<Omit<PlanRecord, 'privateDir' | 'agentTmp'>>

/** What the plan holds once everything it recorded has been put back (the folders stay). */
export const NOTHING_TO_PUT_BACK: PlanChange = Object.freeze({
  agentPid: null,
  settings: null,
  credentials: null,
  credentialsBackupDir: null,
  sysctl: null,
})

/**
 * The restore plan. `main` starts with an empty one (nothing to put back), opens it just before
 * the first change, and records each change through {@link RestorePlan.willChange} (saved, then
 * made) or, for what exists only once made, {@link RestorePlan.record}.
 */
export class RestorePlan {
  #record: PlanRecord | null
  /** The change being made, when its `make` returned a promise; settles, never rejects. */
  #making: Promise<void> = Promise.resolve()

  /** An empty plan (nothing recorded, nothing saved), or one read back from state. */
  constructor(record: PlanRecord | null = null) {
    this.#record = record
  }

  /**
   * The plan `main` saved and did not finish putting back, or null: none saved (main never got
   * that far), it is not JSON, or main restored everything itself.
   */
  static loadPending(): RestorePlan | null {
    const raw = core.getState(State.RestorePlan)
    if (raw === '') return null
    let record: PlanRecord
    try {
      record = { sysctl: null, ...(JSON.parse(raw) as Partial<PlanRecord>) } as PlanRecord
    } catch {
      return null
    }
    return core.getState(State.Restored) === 'true' ? null : new RestorePlan(record)
  }

  /**
   * Makes Airlock's private folder (mode 0700) in `tempDir` and the agent's temp folder in the
   * system's, and saves the plan: from here on, every change is in state before it is made.
   */
  open(tempDir: string): void {
    const privateDir = mkdtempSync(path.join(tempDir, 'airlock-'))
    chmodSync(privateDir, 0o700)
    const agentTmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-agent-tmp-'))
    this.#record = {
      privateDir,
      agentTmp,
      agentPid: null,
      settings: null,
      credentialsBackupDir: path.join(privateDir, 'git-credentials'),
      credentials: null,
      sysctl: null,
    }
    this.#save()
  }

  /** Whether the plan was opened: before that, nothing was changed and there is nothing to put back. */
  get isOpen(): boolean {
    return this.#record !== null
  }

  /** Everything recorded now (a copy). Throws when the plan is not open. */
  get recorded(): PlanRecord {
    return { ...this.#open() }
  }

  /** Airlock's private folder (mode 0700): policy, logs, backups. */
  get privateDir(): string {
    return this.#open().privateDir
  }

  /** The agent's temp folder. */
  get agentTmp(): string {
    return this.#open().agentTmp
  }

  /** Where checkout's credentials are backed up, until they are put back. */
  get credentialsBackupDir(): string | null {
    return this.#open().credentialsBackupDir
  }

  /**
   * Records `change` and saves the plan, *then* calls `make`, which makes the change: a crash
   * between the two leaves a plan that names a change not made, which restoring tolerates. When
   * `make` returns a promise, {@link RestorePlan.changeMade} waits for it.
   */
  willChange<T>(change: PlanChange, make: () => T): T {
    this.record(change)
    const made = make()
    if (made instanceof Promise) {
      this.#making = made.then(
        () => undefined,
        () => undefined,
      )
    }
    return made
  }

  /**
   * Settles when the change being made (an asynchronous `make`) is done, made or failed. Restoring
   * waits for it: a cancel that arrives between two commands of a change must not put the runner
   * back while the rest of the change is still being made.
   */
  changeMade(): Promise<void> {
    return this.#making
  }

  /**
   * Records `change` and saves the plan, for what exists only once made: the agent's pid (saved
   * as soon as the process exists), the git credentials taken away (whose backup folder and
   * manifest were recorded and written before anything was changed).
   */
  record(change: PlanChange): void {
    this.#record = { ...this.#open(), ...change }
    this.#save()
  }

  /** Notes in state that everything was put back: the post step then has nothing to do. */
  markRestored(): void {
    core.saveState(State.Restored, 'true')
  }

  #open(): PlanRecord {
    if (this.#record === null) throw new Error('The restore plan is not open.')
    return this.#record
  }

  #save(): void {
    core.saveState(State.RestorePlan, JSON.stringify(this.#record))
  }
}

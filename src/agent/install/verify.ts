/**
 * The last check of a downloaded CLI: run as `claude --version` with an environment of its own,
 * it must report exactly the version asked for. {@link reportsVersion} is pure;
 * {@link runVersion} runs the binary.
 *
 * The binary runs only after its download matched the integrity, and none of the action's
 * variables (tokens) reach it: only `PATH`, a fresh `HOME`, and switches that keep it offline.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'

/** Whether `claude --version` output reports exactly `version` (`2.1.197 (Claude Code)`). */
export function reportsVersion(output: string, version: string): boolean {
  return output.trim().split(/\s+/)[0] === version
}

/**
 * What `binary --version` prints, run in `home` with only `PATH` (`pathVar`) and `HOME` of the
 * runner's variables; rejects when it fails, takes over 60 s or prints over 64 KiB.
 */
export function runVersion(binary: string, home: string, pathVar: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      ['--version'],
      {
        // Only what the check needs: none of the action's variables (tokens) reach the binary.
        env: {
          PATH: pathVar,
          HOME: home,
          CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          ...(process.env.SystemRoot !== undefined ? { SystemRoot: process.env.SystemRoot } : {}),
        },
        cwd: home,
        timeout: 60_000,
        maxBuffer: 64 * 1024,
        encoding: 'utf8',
      },
      (error, stdout) => {
        if (error !== null) reject(new Error(error.message, { cause: error }))
        else resolve(stdout)
      },
    )
  })
}

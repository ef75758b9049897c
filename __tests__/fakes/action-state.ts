// The runner's action state, as files and variables: `main` appends to the file GITHUB_STATE names
// (`name<<delimiter` … `delimiter`), and the runner gives the post step each name's last value as
// `STATE_<name>`. Lets a test run the real @actions/core against a temporary state file.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Points GITHUB_STATE at a new, empty file in `dir`; returns its path. */
export function useStateFile(dir: string): string {
  const file = path.join(dir, 'github-state')
  writeFileSync(file, '')
  process.env.GITHUB_STATE = file
  return file
}

/** Every value saved to the state file, in order. */
export function savedStates(file: string): { name: string; value: string }[] {
  const saved: { name: string; value: string }[] = []
  const lines = readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^(.+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[i] ?? '')
    if (match === null) continue
    const end = lines.indexOf(match[2] ?? '', i + 1)
    saved.push({ name: match[1] ?? '', value: lines.slice(i + 1, end).join('\n') })
    i = end
  }
  return saved
}

/** Hands the post step what `main` saved: sets `STATE_<name>` to each name's last value. */
export function givePostStep(file: string): void {
  for (const { name, value } of savedStates(file)) process.env[`STATE_${name}`] = value
}

/** Forgets the state: GITHUB_STATE and every STATE_ variable. */
export function clearState(): void {
  delete process.env.GITHUB_STATE
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('STATE_')) Reflect.deleteProperty(process.env, name)
  }
}

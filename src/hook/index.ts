/**
 * The policy hook: what the CLI runs, outside the OS sandbox, for every tool call and once at
 * session start. Its bundle (`dist/hook`) holds this folder and `src/types/` only (checked by
 * ESLint and by `__tests__/project/hook-boundary.test.ts`), so a reviewer reads the whole hook here.
 */
export { runHook } from './hook.js'
export { realpathLoose } from './realpath.js'

/**
 * The pipeline: `run()` for the main step, `runPost()` for the post step, and the error
 * vocabulary the stages share. Stages import `errors.ts` directly: going through this entry would
 * load `run()`, which imports them.
 */
export { onCancel } from './cancel.js'
export { errorMessage, Refusal } from './errors.js'
export { runPost } from './post.js'
export { run } from './run.js'
export { stages, type StageName, type Stages } from './stage.js'

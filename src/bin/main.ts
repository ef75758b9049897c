import * as core from '../pipeline/actions-core.js'
import { run } from '../pipeline/run.js'

run().catch((error: unknown) => {
  core.setFailed(
    `Airlock failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
  )
})

import * as core from '../actions-core.js'
import { run } from '../main.js'

run().catch((error: unknown) => {
  core.setFailed(
    `Airlock failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
  )
})

import * as core from '@actions/core'
import { run } from '../pipeline/run.js'

run().catch((error: unknown) => {
  core.setFailed(
    `Airlock failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
  )
})

import * as core from '@actions/core'
import { errorMessage, run } from '../pipeline/index.js'

run().catch((error: unknown) => {
  core.setFailed(`Airlock failed unexpectedly: ${errorMessage(error)}`)
})

// The scripted fake of the Anthropic API (__tests__/fakes/anthropic.mjs) for CI's self-test of
// `uses: ./`: the model makes one Bash call that writes hello.txt, then ends with a text turn.
// Writes its base URL (for `anthropic-base-url`) to the file named by the first argument, or
// prints it, then serves on 127.0.0.1 until it is stopped (SIGTERM, SIGINT).
//
//   node scripts/fake-model.mjs "$RUNNER_TEMP/fake-model.url" > fake-model.log 2>&1 &

import { renameSync, writeFileSync } from 'node:fs'
import { startFakeAnthropic } from '../__tests__/fakes/anthropic.mjs'

const model = await startFakeAnthropic({
  script: [
    {
      text: 'I will write hello.txt.',
      toolUses: [
        {
          name: 'Bash',
          input: { command: 'echo hello > hello.txt', description: 'write hello.txt' },
        },
      ],
    },
    { text: 'I wrote hello.txt.' },
  ],
})

const urlFile = process.argv[2]
if (urlFile === undefined) {
  process.stdout.write(`${model.url}\n`)
} else {
  // Written whole, then renamed: a reader polling for the file never sees half a URL.
  writeFileSync(`${urlFile}.tmp`, `${model.url}\n`)
  renameSync(`${urlFile}.tmp`, urlFile)
  process.stdout.write(`Fake model listening on ${model.url}\n`)
}

/** @param {NodeJS.Signals} signal */
function stop(signal) {
  process.stdout.write(
    `Fake model stopping (${signal}): ${model.mainRequests.length} main-loop requests, ${model.errors.length} script errors.\n`,
  )
  void model.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)

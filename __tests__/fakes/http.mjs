// Plumbing the two fakes share: JSON parsing and a loopback server's start and stop.

/**
 * @param {string} text
 * @returns {any}
 */
export function parseJson(text) {
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/**
 * Listens on an ephemeral port of 127.0.0.1.
 *
 * @param {import('node:http').Server} server
 * @returns {Promise<string>} the base URL
 */
export function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address === null || typeof address === 'string') {
        reject(new Error('The fake server has no TCP address.'))
        return
      }
      resolve(`http://127.0.0.1:${address.port}`)
    })
  })
}

/**
 * Stops a server, dropping keep-alive and in-flight connections.
 *
 * @param {import('node:http').Server} server
 * @returns {Promise<void>}
 */
export function closeServer(server) {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    server.closeAllConnections()
  })
}

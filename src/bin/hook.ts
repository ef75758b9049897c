import { runHook } from '../hook/index.js'

runHook()

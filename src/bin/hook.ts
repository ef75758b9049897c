import { runHook } from '../hook.js'

runHook()

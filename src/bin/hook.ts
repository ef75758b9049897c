import { runHook } from '../hook/hook.js'

runHook()

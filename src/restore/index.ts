/** Restore: the plan of what Airlock changed on the runner, and the one path that puts it back. */
export { NOTHING_TO_PUT_BACK, RestorePlan, type PlanChange, type PlanRecord } from './plan.js'
export { restoreRunner, type RestoreMoment } from './restore.js'

/**
 * Reads a field of a value whose shape is not known (a webhook payload, an error thrown by the API
 * client) without throwing and without trusting its type.
 *
 * Pure.
 */

/** `value[key]` when `value` is an object, else `undefined`; never throws. */
export function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined
  return (value as Record<string, unknown>)[key]
}

/**
 * The agent's final message in a collapsed, fenced block: whole, or its first part when the report
 * must be shortened.
 *
 * Pure: the message in, markdown out.
 */

import { fencedBlock, longestRun } from './escape.js'
import { details, plural } from './format.js'
import { codePoints, prefixWithin, size } from './measure.js'

/** Shortest part of the message (in UTF-16 units) worth showing; a shorter one is left out. */
const MESSAGE_MIN = 300

/** The final message, complete, in a collapsed block. */
export function messageSection(message: string): string {
  return messageDetails(codePoints(message), message, '')
}

/** The first part of the final message that fits in `budget` bytes, or `undefined` if too little. */
export function shortMessageSection(message: string, budget: number): string | undefined {
  const characters = codePoints(message)
  const note = `Shortened to fit: the first part of ${plural(characters, 'character')}.\n\n`
  const overhead = size(messageDetails(characters, '', note)) + longestRun(message, '`') + 8
  let keep = prefixWithin(message, budget - overhead)
  let text = messageDetails(characters, keep, note)
  // Escapes of invisible characters can lengthen the text: shorten until the block fits.
  while (size(text) > budget && keep.length >= MESSAGE_MIN) {
    keep = prefixWithin(keep, Math.floor(size(keep) * 0.9))
    text = messageDetails(characters, keep, note)
  }
  return keep.length < MESSAGE_MIN || size(text) > budget ? undefined : text
}

function messageDetails(characters: number, shown: string, note: string): string {
  const summary = `The agent's final message (${plural(characters, 'character')})`
  return details(summary, `${note}${fencedBlock(shown)}`)
}

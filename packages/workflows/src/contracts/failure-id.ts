// One failure's identity across check runs, so a decomposed run can tell which failures a part
// removed, which it left, and which it caused. Layer: beside the activity contracts (activities.ts),
// whose `Failure` it names. Pure: the activities itemise check output with it, the workflows compare.
import type { Failure } from './activities.js';

/** At most this many entries in each list of a part's verdict, and in a check's `failures`. */
export const PART_LIST_CAP = 50;

// Ids longer than this are cut: a test name is enough to tell failures apart.
const MAX_ID_LENGTH = 200;

/**
 * A failure's id: the check and the test's name for a failing test (its file and line move with
 * every edit, its name does not); the check, file and message for anything else (a type error, a
 * lint problem), without the line, which an edit above it would move.
 */
export function failureId(failure: Failure): string {
  const id =
    failure.test !== undefined
      ? `${failure.check}: ${failure.test}`
      : `${failure.check}: ${failure.file !== undefined ? `${failure.file}: ` : ''}${failure.message}`;
  const oneLine = id.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_ID_LENGTH ? oneLine : `${oneLine.slice(0, MAX_ID_LENGTH - 1)}…`;
}

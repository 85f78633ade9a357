import * as t from 'typanion';
import { quoted } from './input.js';

// The command line's checks as typanion validators, for clipanion to apply: an option's `validator`
// checks its value (and turns digits into a number) while the line is parsed, and a command's
// `static schema` checks how its options go together before `execute()` runs. Either way a refusal is
// a usage error (exit 2) that names the option, before anything is read or connected:
// `Invalid value for --limit: expected a positive integer, got "0"`.
//
// The checks of values the workflows also receive are the contracts' own (`validateStepName` and the
// rest in `@aidp/client/contracts`), so the CLI, the client and the workflows agree on every limit.

/** A rule of a command's `static schema`, over the command's options by their property names. */
export type SchemaRule = t.LooseTest<{ [key: string]: unknown }>;

/** Records why the value is refused, as typanion's own validators do; always false. */
function refuse(state: t.ValidationState | undefined, message: string): false {
  state?.errors?.push(`${state.p ?? '.'}: ${message}`);
  return false;
}

/** Makes the validated value `value` once every check passed (clipanion applies the coercions). */
function coerce(state: t.ValidationState | undefined, value: unknown): boolean {
  if (!state?.coercions || !state.coercion) return refuse(state, 'Unbound coercion result');
  state.coercions.push([state.p ?? '.', state.coercion.bind(null, value)]);
  return true;
}

/**
 * A whole number in digits — surrounding spaces and, with `hash`, a leading `#` allowed — for which
 * `accepts` holds; the option's value becomes the number. `expected` says what is wanted: "a port
 * number from 1 to 65535".
 */
export function isWholeNumber(
  expected: string,
  accepts: (value: number) => boolean,
  { hash = false }: { hash?: boolean } = {},
): t.StrictValidator<unknown, number> {
  return t.makeValidator<unknown, number>({
    test: (value, state): value is number => {
      const text = String(value);
      if (typeof value === 'number')
        return (Number.isSafeInteger(value) && accepts(value)) || refuse(state, `expected ${expected}, got ${text}`);
      const digits = hash ? text.trim().replace(/^#/, '') : text.trim();
      const number = /^[0-9]+$/.test(digits) ? Number(digits) : Number.NaN;
      if (!Number.isSafeInteger(number) || !accepts(number)) return refuse(state, `expected ${expected}, got ${quoted(text)}`);
      return coerce(state, number);
    },
  });
}

/** One of `choices`, exactly as written. */
export function isChoice<const T extends string>(choices: readonly T[]): t.StrictValidator<unknown, T> {
  return t.makeValidator<unknown, T>({
    test: (value, state): value is T =>
      (choices as readonly unknown[]).includes(value) ||
      refuse(state, `expected one of ${choices.join(', ')}, got ${quoted(String(value))}`),
  });
}

/** A text that `accepts` (a pattern, or a test) accepts; `expected` names what is wanted: "owner/name". */
export function isText(accepts: RegExp | ((text: string) => boolean), expected: string): t.StrictValidator<unknown, string> {
  const test = typeof accepts === 'function' ? accepts : (text: string) => accepts.test(text);
  return t.makeValidator<unknown, string>({
    test: (value, state): value is string =>
      (typeof value === 'string' && test(value)) || refuse(state, `expected ${expected}, got ${quoted(String(value))}`),
  });
}

/**
 * A text that `check` finds nothing wrong with. `check` is one of the contracts' validators, which say
 * what is wrong as a phrase that follows the value's name ("is empty", "is too long: …").
 */
export function isAcceptedBy(check: (value: string) => string | undefined): t.StrictValidator<unknown, string> {
  return t.makeValidator<unknown, string>({
    test: (value, state): value is string => {
      if (typeof value !== 'string') return refuse(state, `expected a text, got ${typeof value}`);
      const problem = check(value);
      return problem === undefined || refuse(state, `it ${problem}`);
    },
  });
}

/**
 * At most one of `flags` (option property → flag as typed) given: typanion's
 * `hasMutuallyExclusiveKeys`, reported in the user's words, "give --task or --task-file, not both".
 * An option that is false or empty counts as not given.
 */
export function atMostOneOf(flags: Record<string, string>, why?: string): SchemaRule {
  const holds = t.hasMutuallyExclusiveKeys(Object.keys(flags), { missingIf: 'falsy' });
  const message = `give ${Object.values(flags).join(' or ')}, not both${why ? `: ${why}` : ''}`;
  return (options, state) => holds(options) || refuse(state, message);
}

/** A rule over several options that no typanion relation expresses; `message` says what is wrong. */
export function rule<T>(holds: (options: T) => boolean, message: (options: T) => string): SchemaRule {
  return (options, state) => holds(options as T) || refuse(state, message(options as T));
}

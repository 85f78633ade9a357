/**
 * The JSON Schema of aidp.yml, generated from the valibot schema so editors complete and check the
 * same keys the loader accepts. It describes what a file may contain (the input side): durations
 * are a number of seconds or a duration string, a command is a list or a string.
 *
 * This module needs `@valibot/to-json-schema`, a build-time dependency, so the package index does
 * not import it; `scripts/generate-schema.js` and the drift test do.
 */
import { toJsonSchema } from '@valibot/to-json-schema';

import { AidpConfigSchema } from './schema.js';

/** Generates the JSON Schema for aidp.yml from {@link AidpConfigSchema}. */
export function generateJsonSchema(): Record<string, unknown> {
  return toJsonSchema(AidpConfigSchema, {
    target: 'draft-07',
    // The file is the input side: stop each pipeline before its transform.
    typeMode: 'input',
    // `check` actions hold rules JSON Schema cannot say (a port range, finite numbers); the loader
    // still enforces them. Anything else that does not convert is an error, so nothing is lost
    // silently when the schema grows.
    ignoreActions: ['check'],
    overrideAction({ valibotAction, jsonSchema }) {
      if (valibotAction.type === 'gt_value') {
        return { ...jsonSchema, exclusiveMinimum: (valibotAction as unknown as { requirement: number }).requirement };
      }
      return undefined;
    },
  }) as Record<string, unknown>;
}

/** The text of `schema.json`: the generated schema, two-space indented, with a final newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(generateJsonSchema(), null, 2)}\n`;
}

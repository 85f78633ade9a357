import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * GitHub's own OpenAPI description (`@octokit/openapi`), used to check every request the double
 * receives and every response it sends, so the double cannot drift from GitHub's real contract.
 *
 * Only `generated/api.github.com.json` (13 MB) is read: the package root pulls in every GHES/GHEC
 * variant and the dereferenced copies (hundreds of MB).
 */
const DOCUMENT_ID = 'https://api.github.com/openapi.json';
const DOCUMENT_FILE = 'generated/api.github.com.json';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components: Record<string, Record<string, unknown>>;
}

interface OpenApiOperation {
  operationId: string;
  requestBody?: Ref | { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, Ref | { content?: Record<string, { schema?: unknown }> }>;
}

interface Ref {
  $ref: string;
}

/** How long the first load took, for the curious (and for the README's claim that it is fast). */
export interface OpenApiLoadTimings {
  readMs: number;
  parseMs: number;
  prepareMs: number;
}

export interface OpenApiContract {
  readonly timings: OpenApiLoadTimings;
  /** The operation for a path template (as in the description: `/repos/{owner}/{repo}`) and method. */
  operationId(template: string, method: string): string | undefined;
  /** Error messages when `body` violates the operation's JSON response for `status`; [] when valid or not described. */
  checkResponse(template: string, method: string, status: number, body: unknown): string[];
  /** Error messages when `body` violates the operation's JSON request body; [] when valid. */
  checkRequest(template: string, method: string, body: unknown): string[];
}

let loaded: OpenApiContract | undefined;

/** The contract, read and prepared once per process (per module registry under jest). */
export function loadGitHubOpenApi(): OpenApiContract {
  loaded ??= createContract();
  return loaded;
}

/** The file this contract is read from (resolved through the package's own `package.json`). */
export function gitHubOpenApiFile(): string {
  return join(dirname(require.resolve('@octokit/openapi/package.json')), DOCUMENT_FILE);
}

function createContract(): OpenApiContract {
  const t0 = performance.now();
  const text = readFileSync(gitHubOpenApiFile(), 'utf8');
  const t1 = performance.now();
  const document = JSON.parse(text) as OpenApiDocument;
  const t2 = performance.now();
  const formats = adaptOpenApi30(document);

  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    // The description is not a JSON Schema itself; validating it against the meta-schema is wasted time.
    validateSchema: false,
    // Compile each referenced component once (simple-user appears in every object) instead of
    // inlining it into every validator: several times faster for GitHub's large schemas.
    inlineRefs: false,
    // GitHub's `oneOf` + `discriminator` (GET /user) names a property that is neither required nor a
    // const in its branches, which Ajv's discriminator support rejects; plain `oneOf` is enough here.
    discriminator: false,
  });
  addFormats(ajv);
  // Formats OpenAPI adds (int64 is already in ajv-formats, `repo.nwo`/`timestamp` are GitHub's):
  // accept any value rather than fail to compile or warn.
  for (const format of formats) {
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
  // Ajv walks every key of a schema it adds (looking for `$id`s), so leave out what no schema refers
  // to: the examples (a third of `components`) and the webhooks. Pointers stay those of the document.
  const { schemas, responses, parameters, requestBodies, headers } = document.components;
  ajv.addSchema({ paths: document.paths, components: { schemas, responses, parameters, requestBodies, headers } }, DOCUMENT_ID);
  const t3 = performance.now();

  const validators = new Map<string, ValidateFunction | null>();
  const validatorFor = (pointer: string | undefined): ValidateFunction | null => {
    if (pointer === undefined) return null;
    let validate = validators.get(pointer);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${encodePointer(pointer)}` });
      validators.set(pointer, validate);
    }
    return validate;
  };

  const operation = (template: string, method: string): OpenApiOperation | undefined => {
    const item = document.paths[template];
    const op = item?.[method.toLowerCase()];
    return op && typeof op === 'object' && 'responses' in op ? (op as OpenApiOperation) : undefined;
  };

  const describe = (errors: ErrorObject[] | null | undefined): string[] =>
    (errors ?? []).map((e) => {
      const where = e.instancePath === '' ? '(root)' : e.instancePath;
      const params = Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : '';
      return `${where} ${e.message ?? e.keyword}${params}`;
    });

  return {
    timings: { readMs: t1 - t0, parseMs: t2 - t1, prepareMs: t3 - t2 },
    operationId: (template, method) => operation(template, method)?.operationId,
    checkResponse(template, method, status, body) {
      const op = operation(template, method);
      if (!op) return [];
      const base = ['paths', template, method.toLowerCase(), 'responses', String(status)];
      const validate = validatorFor(jsonSchemaPointer(document, base));
      if (!validate || validate(body)) return [];
      return describe(validate.errors);
    },
    checkRequest(template, method, body) {
      const op = operation(template, method);
      if (!op?.requestBody) return [];
      const validate = validatorFor(jsonSchemaPointer(document, ['paths', template, method.toLowerCase(), 'requestBody']));
      if (!validate || validate(body)) return [];
      return describe(validate.errors);
    },
  };
}

/**
 * The pointer to the `application/json` schema of a response or request body at `base`, following a
 * `$ref` to `#/components/responses/...` or `#/components/requestBodies/...` (those are not schemas,
 * so Ajv cannot follow them). Undefined when that status or body has no JSON content.
 */
function jsonSchemaPointer(document: OpenApiDocument, base: string[]): string | undefined {
  let path = base;
  let node = at(document, path);
  for (let hops = 0; isRef(node) && hops < 5; hops++) {
    path = node.$ref.replace(/^#\//, '').split('/').map(unescapeToken);
    node = at(document, path);
  }
  const content = (node as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
  if (!content?.['application/json']?.schema) return undefined;
  return '/' + [...path, 'content', 'application/json', 'schema'].map(escapeToken).join('/');
}

function at(document: unknown, path: string[]): unknown {
  let node = document;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function isRef(node: unknown): node is Ref {
  return node !== null && typeof node === 'object' && typeof (node as Ref).$ref === 'string';
}

const escapeToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');
/** A JSON pointer as a URI fragment: path templates contain `{` and `}`, which a URI must escape. */
const encodePointer = (pointer: string): string =>
  pointer
    .split('/')
    .map((token) => encodeURIComponent(token))
    .join('/');

/**
 * Rewrites the OpenAPI 3.0 idioms Ajv reads differently, in place, and returns every `format` used.
 *
 * - `nullable: true` without `type` (next to `allOf`/`anyOf`/`oneOf`/`$ref`): Ajv refuses `nullable`
 *   without `type`, so the schema becomes `anyOf: [{ type: 'null' }, <schema>]`.
 * - `nullable: true` with an `enum` that lacks `null` (e.g. `state_reason`, `active_lock_reason`):
 *   GitHub sends `null` there, so `null` joins the enum.
 *
 * Examples are skipped: they are data, not schemas.
 */
function adaptOpenApi30(document: OpenApiDocument): Set<string> {
  const formats = new Set<string>();
  const visit = (node: unknown, parentKey = ''): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const schema = node as Record<string, unknown>;
    if (typeof schema.format === 'string' && typeof schema.type === 'string') formats.add(schema.format);
    if (schema.nullable === true) {
      if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
      if (schema.type === undefined) {
        const inner: Record<string, unknown> = {};
        for (const key of Object.keys(schema)) {
          if (key !== 'nullable' && key !== 'description' && key !== 'title') {
            inner[key] = schema[key];
            delete schema[key];
          }
        }
        delete schema.nullable;
        schema.anyOf = [{ type: 'null' }, inner];
      }
    }
    for (const [key, value] of Object.entries(schema)) {
      if ((key === 'example' || key === 'examples') && parentKey !== 'properties') continue;
      visit(value, key);
    }
  };
  visit(document.paths);
  visit(document.components.schemas);
  visit(document.components.responses);
  visit(document.components.requestBodies);
  return formats;
}

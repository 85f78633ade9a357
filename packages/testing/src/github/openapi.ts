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
  /** Per path: its operations (OpenApiOperation) by method, beside the path's own fields (parameters, summary). */
  paths: Record<string, Record<string, unknown>>;
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

/** How long the first load took, in milliseconds. */
export interface OpenApiLoadTimings {
  readMs: number;
  parseMs: number;
  /** Rewriting OpenAPI 3.0 idioms for Ajv. */
  adaptMs: number;
  /** Handing the schemas to Ajv (which walks them all). Validators are compiled later, on first use. */
  addMs: number;
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
  const { formats, identified } = adaptOpenApi30(document);
  const tAdapted = performance.now();

  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    // The description is not a JSON Schema itself; validating it against the meta-schema is wasted time.
    validateSchema: false,
    // Compile each referenced component once (simple-user appears in every object) instead of
    // inlining it into every validator: several times faster for GitHub's large schemas.
    inlineRefs: false,
    // GET /user has a `discriminator` with a `mapping`, which Ajv's discriminator support rejects;
    // the plain `oneOf` it sits next to tells private from public users well enough.
    discriminator: false,
  });
  addFormats(ajv);
  // Formats OpenAPI adds (int64 is already in ajv-formats, `repo.nwo`/`timestamp` are GitHub's):
  // accept any value rather than fail to compile or warn.
  for (const format of formats) {
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
  // Examples (a third of `components`) and webhooks are data no schema refers to: leave them out.
  // Pointers into what remains are those of the document.
  const { schemas, responses, parameters, requestBodies, headers } = document.components;
  const root = { paths: document.paths, components: { schemas, responses, parameters, requestBodies, headers } };
  if (identified) {
    ajv.addSchema(root, DOCUMENT_ID);
  } else {
    // Ajv walks every key of a schema it adds to index `$id`s and anchors (about half a second for
    // these megabytes), but resolves `#/...` pointers on the live object when it compiles a `$ref`.
    // GitHub's description has no `$id` or anchor, so add an empty shell and fill it in afterwards.
    const shell: Record<string, unknown> = {};
    ajv.addSchema(shell, DOCUMENT_ID);
    Object.assign(shell, root);
  }
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

  const messages = (errors: ErrorObject[] | null | undefined): string[] =>
    (errors ?? []).map((e) => {
      const where = e.instancePath === '' ? '(root)' : e.instancePath;
      const params = Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : '';
      return `${where} ${e.message ?? e.keyword}${params}`;
    });

  return {
    timings: { readMs: t1 - t0, parseMs: t2 - t1, adaptMs: tAdapted - t2, addMs: t3 - tAdapted },
    operationId: (template, method) => operation(template, method)?.operationId,
    checkResponse(template, method, status, body) {
      const op = operation(template, method);
      if (!op) return [];
      const base = ['paths', template, method.toLowerCase(), 'responses', String(status)];
      const validate = validatorFor(jsonSchemaPointer(document, base));
      if (!validate || validate(body)) return [];
      return messages(validate.errors);
    },
    checkRequest(template, method, body) {
      const op = operation(template, method);
      if (!op?.requestBody) return [];
      const validate = validatorFor(jsonSchemaPointer(document, ['paths', template, method.toLowerCase(), 'requestBody']));
      if (!validate || validate(body)) return [];
      return messages(validate.errors);
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
 * Rewrites the OpenAPI 3.0 idioms Ajv reads differently, in place.
 *
 * - `nullable: true` without `type` (next to `allOf`/`anyOf`/`oneOf`/`$ref`): Ajv refuses `nullable`
 *   without `type`, so the schema becomes `anyOf: [{ type: 'null' }, <schema>]`.
 * - `nullable: true` with an `enum` that lacks `null` (e.g. `state_reason`, `active_lock_reason`):
 *   GitHub sends `null` there, so `null` joins the enum.
 *
 * Examples are skipped: they are data, not schemas. Also reports every `format` used and whether any
 * schema has an `$id` or `$anchor` (which Ajv must index).
 */
function adaptOpenApi30(document: OpenApiDocument): { formats: Set<string>; identified: boolean } {
  const formats = new Set<string>();
  let identified = false;
  const visit = (node: object, parentKey: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) visit(item as object, '');
      return;
    }
    const schema = node as Record<string, unknown>;
    if (typeof schema.format === 'string' && typeof schema.type === 'string') formats.add(schema.format);
    if (typeof schema.$id === 'string' || typeof schema.$anchor === 'string') identified = true;
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
    // A plain for-in that skips primitives: this walks megabytes, allocation matters.
    for (const key in schema) {
      const value = schema[key];
      if (typeof value !== 'object' || value === null) continue;
      if ((key === 'example' || key === 'examples') && parentKey !== 'properties') continue;
      visit(value, key);
    }
  };
  for (const part of [document.paths, document.components.schemas, document.components.responses, document.components.requestBodies]) {
    if (part) visit(part, '');
  }
  return { formats, identified };
}

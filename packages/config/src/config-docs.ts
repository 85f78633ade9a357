/**
 * The configuration reference (`docs/configuration.md`), generated from the same JSON Schema the
 * package ships, so every key, type, default and description in it is the schema's own. The
 * environment variables come from the environment layer's table.
 *
 * Like `json-schema.ts`, this needs `@valibot/to-json-schema` (a build-time dependency), so the package
 * index does not import it; `scripts/generate-docs.js` and the drift test do.
 */
import { DURATION_PATTERN, formatSeconds } from './duration.js';
import { generateJsonSchema } from './json-schema.js';
import { ENVIRONMENT_VARIABLES } from './overlay.js';
import { formatSize, SIZE_PATTERN } from './size.js';

/** The parts of a JSON Schema node the reference reads. */
interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  additionalProperties?: Node | boolean;
  anyOf?: Node[];
}

/** One key of the reference. */
export interface ConfigKeyDoc {
  /** Dotted path; `[]` marks the items of a list, `<name>` a key you choose. */
  key: string;
  type: string;
  /** The default as JSON, or undefined when there is none. */
  default: unknown;
  /** The key must be given (inside an optional object). */
  required: boolean;
  environment: string | undefined;
  description: string;
}

/** The number option of a value written as a number or a string with units (a duration, a size). */
function unitsOption(node: Node, pattern: RegExp): Node | undefined {
  if (node.anyOf?.some((option) => option.type === 'string' && option.pattern === pattern.source) !== true) return undefined;
  return node.anyOf.find((option) => option.type === 'number' || option.type === 'integer') ?? {};
}

/** The range of a number as the reference says it: `from 1 to 10000`, `> 0, at most 100`, `≥ 1`. */
function rangeText(node: Node): string {
  const { minimum, exclusiveMinimum, maximum } = node;
  if (minimum !== undefined && maximum !== undefined) return ` from ${minimum} to ${maximum}`;
  if (exclusiveMinimum !== undefined) return ` > ${exclusiveMinimum}${maximum !== undefined ? `, at most ${maximum}` : ''}`;
  if (minimum !== undefined) return ` ≥ ${minimum}`;
  return maximum !== undefined ? ` ≤ ${maximum}` : '';
}

function typeText(node: Node): string {
  const duration = unitsOption(node, DURATION_PATTERN);
  if (duration) return duration.maximum !== undefined ? `duration up to ${formatSeconds(duration.maximum)}` : 'duration';
  const size = unitsOption(node, SIZE_PATTERN);
  if (size) {
    return size.minimum !== undefined && size.maximum !== undefined
      ? `size from ${formatSize(size.minimum)} to ${formatSize(size.maximum)}`
      : 'size';
  }
  if (node.enum) return `one of ${node.enum.map((value) => `\`${String(value)}\``).join(', ')}`;
  if (node.anyOf) return node.anyOf.map(typeText).join(' or ');
  switch (node.type) {
    case 'integer':
      return `integer${rangeText(node)}`;
    case 'number':
      return `number${rangeText(node)}`;
    case 'string':
      // The address pattern ends in the port; other patterns (a repository, a variable name) are told
      // by the description.
      return node.pattern !== undefined && /:\[0-9\]\{1,5\}\$$/.test(node.pattern) ? 'string (host:port)' : 'string';
    case 'array':
      return node.items ? `list of ${plural(typeText(node.items))}` : 'list';
    case 'object':
      return node.additionalProperties && typeof node.additionalProperties === 'object' ? 'map of name → object' : 'object';
    default:
      return node.type ?? 'any';
  }
}

function plural(type: string): string {
  if (type.includes(' or ')) return `(${type})`;
  return type === 'object' ? 'objects' : type === 'string' ? 'strings' : type;
}

/** The object option of a node: itself, the object of an `anyOf`, or a list's object items. */
function objectChildren(node: Node): { suffix: string; object: Node } | undefined {
  if (node.type === 'object' && node.properties) return { suffix: '', object: node };
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') {
    return { suffix: '.<name>', object: node.additionalProperties };
  }
  const option = node.anyOf?.find((o) => o.type === 'object' && o.properties);
  if (option) return { suffix: '', object: option };
  if (node.type === 'array' && node.items) {
    const items = objectChildren(node.items);
    if (items) return { suffix: `[]${items.suffix}`, object: items.object };
  }
  return undefined;
}

/** Every key of aidp.yml, in schema order, with what the reference says about it. */
export function configKeyDocs(): ConfigKeyDoc[] {
  const environment = new Map(ENVIRONMENT_VARIABLES.map((spec) => [spec.keyPath, spec.variable]));
  const out: ConfigKeyDoc[] = [];
  const walk = (object: Node, prefix: string): void => {
    const required = new Set(object.required ?? []);
    for (const [name, node] of Object.entries(object.properties ?? {})) {
      const key = prefix ? `${prefix}.${name}` : name;
      out.push({
        key,
        type: typeText(node),
        default: node.default,
        required: required.has(name),
        environment: environment.get(key),
        description: node.description ?? '',
      });
      const children = objectChildren(node);
      if (children) walk(children.object, `${key}${children.suffix}`);
    }
  };
  walk(generateJsonSchema(), '');
  return out;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultText(doc: ConfigKeyDoc): string {
  if (doc.required) return 'required';
  if (doc.default === undefined) return '—';
  if (typeof doc.default === 'object' && doc.default !== null && !Array.isArray(doc.default) && Object.keys(doc.default).length === 0) {
    return doc.type === 'object' ? '' : '`{}`';
  }
  return `\`${typeof doc.default === 'string' ? doc.default : JSON.stringify(doc.default)}\``;
}

const HEADER = `# Configuration reference

<!-- Generated from the valibot schema of @aidp/config by \`pnpm --filter @aidp/config run docs\`
     (after a build). Do not edit: a test fails when this file differs from what the schema gives. -->

Every key of \`aidp.yml\`, with its type, its default, the environment variable that overrides it and
what it does. The same schema validates the file when it is loaded and ships as
\`@aidp/config/schema.json\` for editor completion:

\`\`\`yaml
# yaml-language-server: $schema=./node_modules/@aidp/config/schema.json
\`\`\`

- **Where the file is found:** \`--config\` (or \`AIDP_CONFIG\`), else the first of \`aidp.yml\`,
  \`aidp.yaml\`, \`.aidp/aidp.yml\`, \`.aidprc\`, \`.aidprc.json\`, \`.aidprc.yaml\`, \`.aidprc.yml\`,
  \`aidp.config.js\`, \`aidp.config.cjs\`, \`aidp.config.mjs\`, \`aidp.config.ts\` and the \`aidp\` key of
  \`package.json\`, in the working directory and then each directory above it. With no file, the
  defaults below apply.
- **Precedence:** defaults < file < environment < command-line flags (\`--address\`, \`--namespace\`,
  \`--task-queue\`). An empty environment variable counts as unset; booleans accept
  \`true\`/\`1\`/\`yes\`/\`on\` and \`false\`/\`0\`/\`no\`/\`off\`.
- **Interpolation:** any string may use \`\${VAR}\` and \`\${VAR:-default}\`, and a default may hold
  references itself (\`\${TEAM:-\${USER:-shared}}\`, up to 8 deep); \`$\${\` writes a literal \`\${\`. An
  unset variable without a default, or a malformed reference, is an error naming the key.
- **Reserved keys:** \`__proto__\`, \`constructor\` and \`prototype\` are refused anywhere in the file.
- **Durations** are seconds (\`90\`, \`0.5\`) or strings such as \`"500ms"\`, \`"90s"\`, \`"10m"\`,
  \`"1h"\`, \`"1d"\`, \`"1h30m"\`, from 1 ms up to the limit in the type column: 3650 days for what
  Temporal keeps, 24 days for what the worker times itself (a longer Node.js timer fires at once).
- **Sizes** are bytes (\`65536\`) or strings such as \`"512KiB"\`, \`"10MiB"\`, \`"20MB"\` (KB, MB, GB
  are powers of 1000; KiB, MiB, GiB of 1024).
- **Numbers** must lie in the range the type column gives; NaN and infinities (YAML \`.nan\`, \`.inf\`)
  are refused. Every error names the key, the range and the value found.
- **Unknown keys** are errors, with a "did you mean" hint. \`aidp temporal config\` prints every key
  with its value and where it came from, secrets shown as \`***\`.
- **The GitHub token** is never in the file: \`github.token_env\` names the variable the worker reads
  it from (\`GITHUB_TOKEN\` by default), else the worker asks \`gh auth token\`.
`;

/** The text of `docs/configuration.md`. */
export function renderConfigurationDocs(): string {
  const schema = generateJsonSchema() as Node;
  const docs = configKeyDocs();
  const sections: string[] = [HEADER];
  for (const [section, node] of Object.entries(schema.properties ?? {})) {
    const rows = docs.filter((doc) => doc.key.startsWith(`${section}.`));
    sections.push(
      [
        `## \`${section}\``,
        '',
        node.description ?? '',
        '',
        '| key | type | default | environment | description |',
        '| --- | --- | --- | --- | --- |',
        ...rows.map(
          (doc) =>
            `| \`${doc.key}\` | ${cell(doc.type)} | ${defaultText(doc)} | ${doc.environment ? `\`${doc.environment}\`` : ''} | ${cell(doc.description)} |`,
        ),
        '',
      ].join('\n'),
    );
  }
  return sections.join('\n');
}

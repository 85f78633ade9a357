import { interpolateConfig } from '../interpolate.js';
import { loadConfig, resolveConfig } from '../load.js';
import { configErrorOf, errorLines, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const cwd = process.cwd();
const resolve = (raw: unknown, env: Record<string, string | undefined> = {}) => resolveConfig(raw, { filepath: 'aidp.yml', cwd, env });

describe('${VAR} in config values', () => {
  it('replaces ${VAR} with the variable and records which variable a key came from', () => {
    const loaded = resolve({ temporal: { target_host: '${FRONTEND}' } }, { FRONTEND: 'temporal.internal:7233' });

    expect(loaded.config.temporal.target_host).toBe('temporal.internal:7233');
    expect(loaded.sources['temporal.target_host']).toEqual({
      kind: 'file',
      path: 'aidp.yml',
      variables: ['FRONTEND'],
    });
  });

  it('lets an overlay variable win over the same variable interpolated in the file', () => {
    const loaded = resolve({ temporal: { target_host: '${TEMPORAL_HOST}' } }, { TEMPORAL_HOST: 'h:1' });

    expect(loaded.config.temporal.target_host).toBe('h:1');
    expect(loaded.sources['temporal.target_host']).toEqual({ kind: 'env', variable: 'TEMPORAL_HOST' });
  });

  it('uses the default of ${VAR:-default} when the variable is unset or empty, and the variable when set', () => {
    const raw = { temporal: { namespace: '${NS:-dev}' } };

    expect(resolve(raw).config.temporal.namespace).toBe('dev');
    expect(resolve(raw, { NS: '' }).config.temporal.namespace).toBe('dev');
    expect(resolve(raw, { NS: 'prod' }).config.temporal.namespace).toBe('prod');
  });

  it('allows an empty default and defaults containing colons', () => {
    const loaded = resolve({ temporal: { target_host: '${HOST:-localhost:7233}' }, github: { base_branch: 'x${SUFFIX:-}' } });

    expect(loaded.config.temporal.target_host).toBe('localhost:7233');
    expect(loaded.config.github.base_branch).toBe('x');
  });

  it('joins several references and text in one value', () => {
    const loaded = resolve({ temporal: { target_host: '${HOST}:${PORT}' } }, { HOST: 'h', PORT: '7233' });

    expect(loaded.config.temporal.target_host).toBe('h:7233');
    expect(loaded.sources['temporal.target_host']).toMatchObject({ variables: ['HOST', 'PORT'] });
  });

  it('fails on an unset variable without a default, naming the file, key and variable', async () => {
    expect(await errorLines(() => resolve({ temporal: { api_key: '${TEMPORAL_API_KEY}' } }))).toEqual([
      'aidp.yml: temporal.api_key: environment variable TEMPORAL_API_KEY is not set (referenced as ${TEMPORAL_API_KEY}); set it or write ${TEMPORAL_API_KEY:-default}',
    ]);
  });

  it('treats an empty variable like an unset one, and says it is empty', async () => {
    expect(await errorLines(() => resolve({ temporal: { namespace: '${NS}' } }, { NS: '' }))).toEqual([
      'aidp.yml: temporal.namespace: environment variable NS is empty (referenced as ${NS}); set it or write ${NS:-default}',
    ]);
  });

  it('reports every unresolved reference at once, with list positions in the key path', async () => {
    const error = await configErrorOf(() =>
      resolve({
        temporal: { namespace: '${A}' },
        agent: { command: ['run', '${AGENT_BIN}'] },
        work_loop: { checks: [{ name: 'test', command: '${TEST_CMD}' }] },
      }),
    );

    expect(error.issues.map((issue) => issue.keyPath)).toEqual(['temporal.namespace', 'agent.command[1]', 'work_loop.checks[0].command']);
    expect(error.issues[1]).toMatchObject({
      source: 'aidp.yml',
      expected: 'environment variable AGENT_BIN to be set',
      found: 'not set',
      hint: 'set it or write ${AGENT_BIN:-default}',
    });
  });

  it('writes a literal ${ for $${', () => {
    const loaded = resolve({ agent: { command: 'echo $${HOME} ${WHO}' } }, { WHO: 'me', HOME: '/home/x' });

    expect(loaded.config.agent.command).toEqual(['echo', '${HOME}', 'me']);
    expect(loaded.sources['agent.command']).toMatchObject({ variables: ['WHO'] });
  });

  it('replaces references inside lists and inside objects in lists', () => {
    const loaded = resolve(
      {
        agent: { tiers: ['${CHEAP}', { model: '${STRONG}' }], env: ['${EXTRA_VAR}'] },
        work_loop: { checks: [{ name: 'test', command: '${PM:-npm} test' }] },
      },
      { CHEAP: 'small', STRONG: 'large', EXTRA_VAR: 'OPENAI_API_KEY' },
    );

    expect(loaded.config.agent.tiers).toEqual([{ model: 'small' }, { model: 'large' }]);
    expect(loaded.config.agent.env).toEqual(['OPENAI_API_KEY']);
    expect(loaded.config.work_loop.checks[0]?.command).toBe('npm test');
    expect(loaded.sources['agent.tiers']).toMatchObject({ variables: ['CHEAP', 'STRONG'] });
    expect(loaded.sources['work_loop.checks']).toMatchObject({ variables: ['PM'] });
  });

  it('rejects a malformed reference and says which forms work', async () => {
    expect(await errorLines(() => resolve({ temporal: { namespace: 'a-${1BAD}' } }))).toEqual([
      'aidp.yml: temporal.namespace: invalid variable reference "${1BAD}" (a name is letters, digits and "_", not starting with a digit); write ${NAME} or ${NAME:-default}, or $${ for a literal ${',
    ]);
    expect(await errorLines(() => resolve({ temporal: { namespace: 'a-${OPEN' } }))).toEqual([
      'aidp.yml: temporal.namespace: invalid variable reference "${OPEN" (no closing "}"); write ${NAME} or ${NAME:-default}, or $${ for a literal ${',
    ]);
  });

  it('leaves numbers, booleans, keys and text without references alone', () => {
    const result = interpolateConfig({ '${KEY}': 'plain $HOME text', n: 3, b: true }, { KEY: 'x', HOME: '/h' }, 'aidp.yml');

    expect(result.value).toEqual({ '${KEY}': 'plain $HOME text', n: 3, b: true });
    expect(result.issues).toEqual([]);
    expect(result.variables.size).toBe(0);
  });

  it('interpolates a real file from the environment passed to loadConfig', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': 'temporal:\n  target_host: ${TEMPORAL_HOST:-localhost:7233}\n  namespace: ${NS}\n' });

    const loaded = await loadConfig({ cwd: root, env: { NS: 'team-a' }, stopDir: root });

    expect(loaded.config.temporal.target_host).toBe('localhost:7233');
    expect(loaded.config.temporal.namespace).toBe('team-a');
  });
});

describe('${VAR} references nested in defaults', () => {
  const namespaceOf = (value: string, env: Record<string, string | undefined> = {}) =>
    resolve({ temporal: { namespace: value } }, env).config.temporal.namespace;

  it('takes the inner variable when the outer one is unset, as a shell does', () => {
    expect(namespaceOf('${A:-${B}}', { B: 'bee' })).toBe('bee');
    expect(namespaceOf('${A:-${B}}', { A: '', B: 'bee' })).toBe('bee');
    expect(namespaceOf('${A:-${B:-x}}')).toBe('x');
    expect(namespaceOf('${A:-pre-${B:-x}-post}')).toBe('pre-x-post');
    expect(namespaceOf('${A:-${B:-${C:-deep}}}', { C: '' })).toBe('deep');
  });

  it('takes the outer variable when it is set, and ignores the default', () => {
    expect(namespaceOf('${A:-${B}}', { A: 'aa' })).toBe('aa');
    expect(namespaceOf('${A:-${B:-x}}-tail', { A: 'aa' })).toBe('aa-tail');
  });

  it('records the variables a value was actually taken from', () => {
    const raw = { temporal: { namespace: '${A:-${B:-x}}' } };

    expect(resolve(raw, { A: 'aa' }).sources['temporal.namespace']).toEqual({ kind: 'file', path: 'aidp.yml', variables: ['A'] });
    expect(resolve(raw, { B: 'bee' }).sources['temporal.namespace']).toEqual({
      kind: 'file',
      path: 'aidp.yml',
      variables: ['A', 'B'],
    });
  });

  it('does not require a variable that only an unused default names', () => {
    expect(namespaceOf('${A:-${UNSET}}', { A: 'aa' })).toBe('aa');
  });

  it('fails on an unset inner variable without a default, naming it', async () => {
    expect(await errorLines(() => resolve({ temporal: { namespace: '${A:-${B}}' } }))).toEqual([
      'aidp.yml: temporal.namespace: environment variable B is not set (referenced as ${B}); set it or write ${B:-default}',
    ]);
  });

  it('writes a literal ${ inside a default with $${', () => {
    expect(namespaceOf('${A:-$${B}}')).toBe('${B}');
  });

  it("does not expand references that appear in a variable's value", () => {
    expect(namespaceOf('${A:-x}', { A: '${B}' })).toBe('${B}');
  });

  it.each([
    ['${A:-${B}', 'invalid variable reference "${A:-${B}" (no closing "}")'],
    ['${A:-${B', 'invalid variable reference "${B" (no closing "}")'],
    ['x-${}', 'invalid variable reference "${}" (no variable name)'],
    ['${A:-${}}', 'invalid variable reference "${}" (no variable name)'],
    ['${:-x}', 'invalid variable reference "${:-x}" (no variable name)'],
    ['${A:-${1B}}', 'invalid variable reference "${1B}" (a name is letters, digits and "_", not starting with a digit)'],
    ['${A B}', 'invalid variable reference "${A B}" (after the name, expected "}" or ":-")'],
    ['${A-x}', 'invalid variable reference "${A-x}" (after the name, expected "}" or ":-")'],
    ['${A:=x}', 'invalid variable reference "${A:=x}" (after the name, expected "}" or ":-")'],
  ])('rejects the malformed %j, naming the file and key, even when the variable is set', async (value, reason) => {
    expect(await errorLines(() => resolve({ temporal: { namespace: value } }, { A: 'aa', B: 'bee' }))).toEqual([
      `aidp.yml: temporal.namespace: ${reason}; write \${NAME} or \${NAME:-default}, or $\${ for a literal \${`,
    ]);
  });

  it('allows eight levels of nesting and refuses a ninth', async () => {
    const nest = (levels: number) => '${V:-'.repeat(levels) + 'end' + '}'.repeat(levels);

    expect(namespaceOf(nest(8))).toBe('end');
    expect(await errorLines(() => resolve({ temporal: { namespace: nest(9) } }))).toEqual([
      'aidp.yml: temporal.namespace: variable references nested more than 8 deep; write ${NAME} or ${NAME:-default}, or $${ for a literal ${',
    ]);
  });

  it('reads nested references from a real YAML file', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': 'temporal:\n  task_queue: "aidp-${TEAM:-${USER_NAME:-shared}}"\n' });

    expect((await loadConfig({ cwd: root, env: {}, stopDir: root })).config.temporal.task_queue).toBe('aidp-shared');
    expect((await loadConfig({ cwd: root, env: { USER_NAME: 'kim' }, stopDir: root })).config.temporal.task_queue).toBe('aidp-kim');
  });
});

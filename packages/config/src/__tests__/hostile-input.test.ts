import { interpolateConfig } from '../interpolate.js';
import { loadConfig, resolveConfig } from '../load.js';
import { parseJsonText, parseYamlText } from '../parse.js';
import { cloneData } from '../paths.js';
import { configErrorOf, errorLines, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const cwd = process.cwd();

/** True when nothing has been added to the prototype every object shares. */
function objectPrototypeIsClean(): boolean {
  const probe: Record<string, unknown> = {};
  return (
    Object.getOwnPropertyNames(Object.prototype).every((name) => !['namespace', 'polluted', 'x', 'task_queue'].includes(name)) &&
    probe.namespace === undefined &&
    probe.polluted === undefined &&
    probe.x === undefined
  );
}

const RESERVED = 'is not allowed (__proto__, constructor and prototype are reserved); remove it';

describe('keys that would reach an object prototype', () => {
  afterEach(() => {
    expect(objectPrototypeIsClean()).toBe(true);
  });

  it.each([
    ['aidp.yml', 'temporal:\n  __proto__:\n    namespace: polluted\n', 'temporal.__proto__', '__proto__'],
    ['aidp.yml', 'temporal:\n  worker:\n    constructor:\n      prototype:\n        x: 1\n', 'temporal.worker.constructor', 'constructor'],
    ['aidp.yml', 'work_loop:\n  steps:\n    prototype:\n      task: Fix it\n', 'work_loop.steps.prototype', 'prototype'],
    ['aidp.yml', 'agent:\n  tiers:\n    - model: m\n      __proto__: { provider: claude }\n', 'agent.tiers[0].__proto__', '__proto__'],
    ['.aidprc.json', '{"temporal": {"__proto__": {"namespace": "polluted"}}}', 'temporal.__proto__', '__proto__'],
    ['.aidprc.json', '{"__proto__": {"temporal": {"namespace": "polluted"}}}', '__proto__', '__proto__'],
    ['package.json', '{"name": "demo", "aidp": {"temporal": {"__proto__": {"namespace": "polluted"}}}}', 'temporal.__proto__', '__proto__'],
    [
      'aidp.config.js',
      'module.exports = JSON.parse(\'{"temporal": {"__proto__": {"namespace": "polluted"}}}\');\n',
      'temporal.__proto__',
      '__proto__',
    ],
    [
      'aidp.config.js',
      'module.exports = { temporal: { ["constructor"]: { namespace: "polluted" } } };\n',
      'temporal.constructor',
      'constructor',
    ],
  ])('%s with %j is refused, naming the key path, and never applied', async (file, content, keyPath, key) => {
    const root = await tempDir();
    await writeFiles(root, { [file]: content });

    const error = await configErrorOf(() => loadConfig({ cwd: root, env: {}, stopDir: root }));

    expect(error.message.split('\n')).toEqual([`${file}: ${keyPath}: key "${key}" ${RESERVED}`]);
    expect(error.issues[0]).toMatchObject({ source: file, keyPath, found: JSON.stringify(key) });
  });

  it('refuses an object whose prototype was set by a "__proto__" literal in a JS config', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.config.js': 'module.exports = { temporal: { __proto__: { namespace: "polluted" } } };\n' });

    expect(await errorLines(() => loadConfig({ cwd: root, env: {}, stopDir: root }))).toEqual([
      'aidp.config.js: temporal: expected a plain object, got an object with a custom prototype (a "__proto__" key sets one); remove the "__proto__" key',
    ]);
  });

  it('does not apply a "__proto__" key given as data, and reports it with the other problems', async () => {
    const raw: unknown = JSON.parse('{"temporal": {"__proto__": {"namespace": "polluted", "bogus": 1}, "namespace": 5}}');

    expect(await errorLines(() => resolveConfig(raw, { filepath: 'aidp.yml', cwd, env: {} }))).toEqual([
      `aidp.yml: temporal.__proto__: key "__proto__" ${RESERVED}`,
      'aidp.yml: temporal.namespace: expected a non-empty string, got 5',
    ]);
  });

  it('refuses a flag whose key path goes through a reserved key', async () => {
    expect(
      await errorLines(() =>
        resolveConfig({}, { cwd, env: {}, overrides: [{ path: '__proto__.polluted', value: 'yes', flag: '--evil' }] }),
      ),
    ).toEqual([`--evil: __proto__.polluted: key "__proto__" ${RESERVED}`]);
  });

  it('keeps the steps of the pipeline from turning a "__proto__" key into a prototype', () => {
    const raw = JSON.parse('{"temporal": {"__proto__": {"namespace": "polluted"}}}') as Record<string, Record<string, unknown>>;

    const copied = cloneData(raw);
    const interpolated = interpolateConfig(raw, {}, 'aidp.yml').value as Record<string, Record<string, unknown>>;

    for (const out of [copied, interpolated]) {
      expect(Object.getPrototypeOf(out.temporal)).toBe(Object.prototype);
      expect(out.temporal!.namespace).toBeUndefined();
    }
  });

  it('parses a YAML "__proto__" key as a plain key, not as a prototype', () => {
    const parsed = parseYamlText('temporal:\n  __proto__:\n    namespace: polluted\n', 'aidp.yml') as Record<
      string,
      Record<string, unknown>
    >;

    expect(Object.getPrototypeOf(parsed.temporal)).toBe(Object.prototype);
    expect(parsed.temporal!.namespace).toBeUndefined();
    expect(Object.keys(parsed.temporal!)).toEqual(['__proto__']);
  });
});

describe('YAML aliases that never end', () => {
  it.each([
    [
      'an alias inside the node it names',
      'temporal: &t\n  worker: *t\n',
      'aidp.yml:2:11: alias *t refers to a node that contains it (a recursive alias)',
    ],
    [
      'a list that contains itself',
      'agent:\n  tiers: &l [small, *l]\n',
      'aidp.yml:2:21: alias *l refers to a node that contains it (a recursive alias)',
    ],
    [
      'a map that holds itself as a value',
      'temporal: &m\n  self: *m\n',
      'aidp.yml:2:9: alias *m refers to a node that contains it (a recursive alias)',
    ],
  ])('%s is one error naming the file, line and column', async (_what, text, line) => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': text });

    expect(await errorLines(() => loadConfig({ cwd: root, env: {}, stopDir: root }))).toEqual([line]);
  });

  it('stops a billion-laughs alias bomb with one error naming the file', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${new Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': `${levels.join('\n')}\n` });

    const started = Date.now();
    const lines = await errorLines(() => loadConfig({ cwd: root, env: {}, stopDir: root }));

    expect(lines).toEqual([
      'aidp.yml: too many YAML alias expansions (more than 100): the file expands into far more data than it holds; write the values out or use fewer aliases',
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('still reads ordinary aliases, used many times over', () => {
    const parsed = parseYamlText(
      'x: &common { name: test, command: npm test }\nlist: [*common, *common, { nested: [*common] }]\n',
      'aidp.yml',
    );

    expect(parsed).toEqual({
      x: { name: 'test', command: 'npm test' },
      list: [
        { name: 'test', command: 'npm test' },
        { name: 'test', command: 'npm test' },
        { nested: [{ name: 'test', command: 'npm test' }] },
      ],
    });
  });
});

describe('data nested beyond any configuration', () => {
  it('refuses a JS config that refers to itself, naming the key', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.config.js': 'const c = { temporal: {} };\nc.temporal.worker = c;\nmodule.exports = c;\n' });

    expect(await errorLines(() => loadConfig({ cwd: root, env: {}, stopDir: root }))).toEqual([
      'aidp.config.js: temporal.worker: expected plain data, got a reference to an object that contains it (a cycle)',
    ]);
  });

  it.each([
    ['YAML', parseYamlText],
    ['JSON', parseJsonText],
  ])('refuses %s nested 100,000 levels deep with one error, never a stack overflow', async (_kind, parse) => {
    const text = `{"temporal": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const error = await configErrorOf(() => resolveConfig(parse(text, 'aidp.yml'), { filepath: 'aidp.yml', cwd, env: {} }));

    expect(error.issues).toHaveLength(1);
    expect(error.message).toMatch(/^aidp\.yml(:\d+:\d+)?: .*nested/);
  });

  it('refuses data nested more than 32 levels deep, naming where', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];

    expect(await errorLines(() => resolveConfig({ agent: { tiers: deep } }, { filepath: 'aidp.yml', cwd, env: {} }))).toEqual([
      `aidp.yml: agent.tiers${'[0]'.repeat(31)}: expected data nested at most 32 levels deep, got deeper nesting`,
    ]);
  });
});

import { loadConfig, resolveConfig } from '../load.js';
import { parseJsonText, parseYamlText } from '../parse.js';
import { configErrorOf, errorLines, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();

describe('a config file that does not parse', () => {
  it('reports malformed YAML with the file, line and column', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': 'temporal:\n  worker:\n    max_concurrent_activities: 1\n    max_concurrent_activities: 2\n',
    });

    const error = await configErrorOf(() => loadConfig({ cwd: root, env: {}, stopDir: root }));

    expect(error.message).toBe('aidp.yml:4:5: Map keys must be unique');
    expect(error.issues[0]).toMatchObject({ source: 'aidp.yml', line: 4, column: 5, keyPath: '' });
  });

  it('reports the first YAML error only, since later ones follow from it', async () => {
    expect(await errorLines(() => parseYamlText('temporal:\n  task_queue: q\n    namespace: x\n', 'aidp.yml'))).toEqual([
      'aidp.yml:2:15: Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('reports an unclosed quote at the line where YAML notices it', async () => {
    expect(await errorLines(() => parseYamlText('temporal:\n  namespace: "abc\n', 'aidp.yml'))).toEqual([
      'aidp.yml:3:1: Missing closing "quote',
    ]);
  });

  it('reports malformed JSON in .aidprc.json with line and column', async () => {
    const root = await tempDir();
    await writeFiles(root, { '.aidprc.json': '{\n  "temporal": {\n    "namespace": "x",\n  }\n}\n' });

    expect(await errorLines(() => loadConfig({ cwd: root, env: {}, stopDir: root }))).toEqual([
      '.aidprc.json:4:3: Expected double-quoted property name',
    ]);
  });

  it('reports a truncated JSON file at its end', async () => {
    expect(await errorLines(() => parseJsonText('{"temporal": {}', '.aidprc.json'))).toEqual([
      ".aidprc.json:1:16: Expected ',' or '}' after property value",
    ]);
  });

  it('reports a JS config that throws, naming the file', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.config.js': "throw new Error('boom');\n" });

    expect(await errorLines(() => loadConfig({ cwd: root, env: {}, stopDir: root }))).toEqual(['aidp.config.js: cannot load: boom']);
  });

  it('rejects a file that is a list instead of sections', async () => {
    expect(await errorLines(() => resolveConfig(['temporal'], { filepath: 'aidp.yml', cwd: process.cwd(), env: {} }))).toEqual([
      'aidp.yml: expected an object with the sections temporal, github, agent, work_loop, metrics, logging, got a list',
    ]);
  });

  it('parses an empty or whitespace-only text as an empty configuration', () => {
    expect(parseYamlText('', 'aidp.yml')).toEqual({});
    expect(parseYamlText('  \n\n', 'aidp.yml')).toEqual({});
    expect(parseYamlText('# just a comment\n', 'aidp.yml')).toEqual({});
    expect(parseJsonText('', '.aidprc.json')).toEqual({});
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoSecrets, filesUnder, findSecrets } from '../secrets';

// The leak tests pass when this finds nothing, so it must find a secret wherever one is planted.

const SECRETS = { GITHUB_TOKEN: 'ghp_FAKEplanted0123456789abcdefXYZ', TEMPORAL_API_KEY: 'tak-planted???key~value/+' };

describe('findSecrets', () => {
  it('finds a planted secret as it is, with the source and line', () => {
    const texts = [
      { source: 'worker stderr', text: '{"level":"info"}\n{"level":"debug","token":"ghp_FAKEplanted0123456789abcdefXYZ"}\n' },
      { source: 'clean', text: 'nothing to see' },
    ];

    expect(findSecrets(texts, SECRETS)).toEqual([{ secret: 'GITHUB_TOKEN', form: 'plain', source: 'worker stderr', line: 2 }]);
  });

  it.each([0, 1, 2])('finds a secret inside a base64 payload at offset %i, as history JSON holds payloads', (offset) => {
    const payload = Buffer.from(`${'x'.repeat(offset)}{"env":{"TEMPORAL_API_KEY":"${SECRETS.TEMPORAL_API_KEY}"}}`).toString('base64');
    const history = JSON.stringify({ events: [{ input: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: payload }] } }] });

    expect(findSecrets([{ source: 'history.json', text: history }], SECRETS)).toEqual([
      { secret: 'TEMPORAL_API_KEY', form: 'base64', source: 'history.json', line: 1 },
    ]);
  });

  it('finds base64url, hex, URL-encoded and JSON-escaped forms', () => {
    const value = SECRETS.TEMPORAL_API_KEY;
    const forms = (text: string) => findSecrets([{ source: 's', text }], { K: value }).map((f) => f.form);

    expect(forms(Buffer.from(value).toString('base64url'))).toContain('base64url');
    expect(forms(Buffer.from(value).toString('hex').toUpperCase())).toEqual(['hex']);
    expect(forms(`https://x/?key=${encodeURIComponent(value)}`)).toEqual(['url-encoded']);
    expect(forms(JSON.stringify({ k: 'a"b\\' + 'c' + value }))).toEqual(['plain']);
    expect(
      findSecrets([{ source: 's', text: JSON.stringify('quote"d-secret-value') }], { K: 'quote"d-secret-value' }).map((f) => f.form),
    ).toEqual(['json-escaped']);
  });

  it('refuses values too short to search for', () => {
    expect(() => findSecrets([], { K: 'short' })).toThrow('K is too short');
  });
});

describe('assertNoSecrets', () => {
  it('passes on clean texts and fails naming each place, never the value', () => {
    expect(() => assertNoSecrets([{ source: 'a', text: 'clean' }], SECRETS)).not.toThrow();

    const leak = () => assertNoSecrets([{ source: 'run/iter-1/agent.log', text: `GITHUB_TOKEN=${SECRETS.GITHUB_TOKEN}` }], SECRETS);
    expect(leak).toThrow('GITHUB_TOKEN (plain) in run/iter-1/agent.log:1');
    expect(leak).not.toThrow(SECRETS.GITHUB_TOKEN);
  });
});

describe('filesUnder', () => {
  it('reads every file below a folder, binary ones too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aidp-secrets-'));
    mkdirSync(join(dir, 'runs', 'iter-1'), { recursive: true });
    writeFileSync(join(dir, 'runs', 'iter-1', 'PROMPT.md'), 'prompt');
    writeFileSync(join(dir, 'runs', 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(SECRETS.GITHUB_TOKEN)]));

    const files = filesUnder(dir);
    expect(files.map((f) => f.source).sort()).toEqual(['runs/blob.bin', 'runs/iter-1/PROMPT.md']);
    expect(findSecrets(files, SECRETS)).toEqual([{ secret: 'GITHUB_TOKEN', form: 'plain', source: 'runs/blob.bin', line: 1 }]);
  });
});

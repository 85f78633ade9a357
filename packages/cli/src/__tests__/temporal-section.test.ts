import { parseYamlText, resolveConfig } from '@aidp/config';
import { checkAddress, checkEnvVarName, cloudAddressFor, type TemporalSetupAnswers } from '../setup/answers';
import { currentTemporalSetup, temporalSectionFromAnswers, updateTemporalSection } from '../setup/temporal-section';

const selfHosted = (extra: Partial<TemporalSetupAnswers> = {}): TemporalSetupAnswers => ({
  mode: 'self-hosted',
  address: 'temporal.internal:7233',
  namespace: 'team-a',
  taskQueue: 'aidp-workflows',
  tls: { kind: 'none' },
  ...extra,
});

const cloudWithKey = (extra: Partial<TemporalSetupAnswers> = {}): TemporalSetupAnswers =>
  selfHosted({ mode: 'cloud', address: 'prod.a1b2c.tmprl.cloud:7233', namespace: 'prod.a1b2c', apiKeyEnv: 'TEMPORAL_API_KEY', ...extra });

// A file a person wrote: comments everywhere, odd spacing, quoting, sections before and after.
const EXISTING = [
  '# AIDP for the payments service',
  '',
  'github:',
  '  repo: acme/payments   # the origin remote is a mirror',
  '  draft:    false',
  '',
  '# Temporal: staging cluster for now',
  'temporal:',
  '  enabled: true',
  '  # where the frontend is',
  '  target_host: "staging.internal:7233"   # via the VPN',
  "  namespace: 'payments'",
  '  worker:',
  '    max_concurrent_activities: 4   # small box',
  '  timeouts: { activity_heartbeat: 90s }',
  '',
  '# agents',
  'agent:',
  '  provider: claude',
  '  tiers: [sonnet, opus]',
  '',
].join('\n');

describe('updateTemporalSection', () => {
  it('writes a new temporal section into an empty file', () => {
    const { text, changes } = updateTemporalSection('', selfHosted());
    expect(text).toBe(
      ['temporal:', '  target_host: temporal.internal:7233', '  namespace: team-a', '  task_queue: aidp-workflows', ''].join('\n'),
    );
    expect(changes).toEqual([
      { key: 'temporal.target_host', after: 'temporal.internal:7233' },
      { key: 'temporal.namespace', after: 'team-a' },
      { key: 'temporal.task_queue', after: 'aidp-workflows' },
    ]);
  });

  it('changes only the managed values, keeping comments, quoting, spacing and other sections byte for byte', () => {
    const { text, changes } = updateTemporalSection(EXISTING, selfHosted({ address: 'prod.internal:7233', tls: { kind: 'system' } }));
    // The managed values change where they stand, keeping their quoting and comments; new keys follow them.
    expect(text).toBe(
      EXISTING.replace('target_host: "staging.internal:7233"', 'target_host: "prod.internal:7233"').replace(
        "  namespace: 'payments'\n",
        "  namespace: 'team-a'\n  task_queue: aidp-workflows\n  tls: true\n",
      ),
    );
    expect(changes).toEqual([
      { key: 'temporal.target_host', before: 'staging.internal:7233', after: 'prod.internal:7233' },
      { key: 'temporal.namespace', before: 'payments', after: 'team-a' },
      { key: 'temporal.task_queue', after: 'aidp-workflows' },
      { key: 'temporal.tls', after: 'true' },
    ]);
  });

  it('leaves the text exactly as it was when nothing changes', () => {
    const answers = selfHosted({ address: 'staging.internal:7233', namespace: 'payments' });
    const once = updateTemporalSection(EXISTING, answers).text;
    const twice = updateTemporalSection(once, answers);
    expect(twice.changes).toEqual([]);
    expect(twice.text).toBe(once);
  });

  it('appends a temporal section to a file that has none, leaving the rest untouched', () => {
    const before = 'github:\n  repo: acme/payments # mirror\n\n# end of file comment';
    const { text } = updateTemporalSection(before, selfHosted());
    expect(text.startsWith(before)).toBe(true);
    expect(text.slice(before.length)).toBe(
      '\n\ntemporal:\n  target_host: temporal.internal:7233\n  namespace: team-a\n  task_queue: aidp-workflows\n',
    );
  });

  it('fills in an empty "temporal:" and keeps the sections around it', () => {
    const { text } = updateTemporalSection('# top\ntemporal:\nagent:\n  provider: codex\n', selfHosted());
    expect(text).toBe(
      '# top\ntemporal:\n  target_host: temporal.internal:7233\n  namespace: team-a\n  task_queue: aidp-workflows\nagent:\n  provider: codex\n',
    );
  });

  it('writes the API key as a ${NAME} reference, never a value', () => {
    const { text, changes } = updateTemporalSection('', cloudWithKey({ apiKeyEnv: '$PROD_TEMPORAL_KEY' }));
    expect(text).toContain('  api_key: ${PROD_TEMPORAL_KEY}\n');
    expect(changes).toContainEqual({ key: 'temporal.api_key', after: '${PROD_TEMPORAL_KEY}' });
    const loaded = resolveConfig(parseYamlText(text, 'aidp.yml'), { env: { PROD_TEMPORAL_KEY: 'the-secret' } });
    expect(loaded.config.temporal.api_key).toBe('the-secret');
    expect(loaded.config.temporal.target_host).toBe('prod.a1b2c.tmprl.cloud:7233');
  });

  it('switching from an API key to mTLS removes api_key, and back again removes tls', () => {
    const withKey = updateTemporalSection(EXISTING, cloudWithKey()).text;
    expect(withKey).toContain('  api_key: ${TEMPORAL_API_KEY}\n');
    expect(withKey).not.toContain('tls:');

    const mtls = updateTemporalSection(
      withKey,
      cloudWithKey({ apiKeyEnv: undefined, tls: { kind: 'mtls', certFile: 'certs/client.pem', keyFile: 'certs/client.key' } }),
    );
    expect(mtls.text).not.toContain('api_key');
    expect(mtls.text).toContain('  tls:\n    cert_file: certs/client.pem\n    key_file: certs/client.key\n');
    expect(mtls.changes).toEqual([
      { key: 'temporal.tls.cert_file', after: 'certs/client.pem' },
      { key: 'temporal.tls.key_file', after: 'certs/client.key' },
      { key: 'temporal.api_key', before: '${TEMPORAL_API_KEY}' },
    ]);

    const back = updateTemporalSection(mtls.text, cloudWithKey());
    expect(back.text).toBe(withKey);
  });

  it('edits inside an existing tls block: CA to mTLS with a server name, and mTLS to system roots', () => {
    const start =
      'temporal:\n  target_host: t.internal:7233\n  tls:\n    # our private CA\n    ca_file: /etc/ca.pem\n  namespace: default\n';
    const mtls = updateTemporalSection(
      start,
      selfHosted({
        address: 't.internal:7233',
        namespace: 'default',
        tls: { kind: 'mtls', caFile: '/etc/ca.pem', certFile: 'c.pem', keyFile: 'k.pem', serverName: 'temporal' },
      }),
    );
    expect(mtls.text).toBe(
      'temporal:\n  target_host: t.internal:7233\n  tls:\n    # our private CA\n    ca_file: /etc/ca.pem\n    cert_file: c.pem\n    key_file: k.pem\n    server_name: temporal\n  namespace: default\n  task_queue: aidp-workflows\n',
    );
    const system = updateTemporalSection(
      mtls.text,
      selfHosted({ address: 't.internal:7233', namespace: 'default', tls: { kind: 'system' } }),
    );
    expect(system.text).toBe(
      'temporal:\n  target_host: t.internal:7233\n  tls: true\n  namespace: default\n  task_queue: aidp-workflows\n',
    );
    const none = updateTemporalSection(system.text, selfHosted({ address: 't.internal:7233', namespace: 'default' }));
    expect(none.text).toBe('temporal:\n  target_host: t.internal:7233\n  namespace: default\n  task_queue: aidp-workflows\n');
    expect(none.changes).toEqual([{ key: 'temporal.tls', before: 'true' }]);
  });

  it('replaces an API key written in clear text, and never shows it', () => {
    const before = 'temporal:\n  target_host: prod.a1b2c.tmprl.cloud:7233\n  api_key: sk-live-0123456789abcdef\n';
    const { text, changes } = updateTemporalSection(before, cloudWithKey());
    expect(text).not.toContain('sk-live');
    expect(text).toContain('api_key: ${TEMPORAL_API_KEY}');
    expect(JSON.stringify(changes)).not.toContain('sk-live');
    expect(changes).toContainEqual({ key: 'temporal.api_key', before: '***', after: '${TEMPORAL_API_KEY}' });
  });

  it('keeps Windows line endings', () => {
    const { text } = updateTemporalSection('temporal:\r\n  namespace: old\r\n', selfHosted());
    expect(text).toBe('temporal:\r\n  target_host: temporal.internal:7233\r\n  namespace: team-a\r\n  task_queue: aidp-workflows\r\n');
  });

  it('follows the indentation the file uses', () => {
    const { text } = updateTemporalSection(
      'agent:\n    provider: codex\ntemporal:\n    namespace: x\n',
      selfHosted({ tls: { kind: 'ca', caFile: 'ca.pem' } }),
    );
    expect(text).toBe(
      'agent:\n    provider: codex\ntemporal:\n    target_host: temporal.internal:7233\n    namespace: team-a\n    task_queue: aidp-workflows\n    tls:\n        ca_file: ca.pem\n',
    );
  });

  it('refuses text that is not YAML, naming the line, and a file that is not a mapping', () => {
    expect(() => updateTemporalSection('temporal:\n  namespace: a\n  namespace: b\n', selfHosted())).toThrow(/aidp\.yml:3:3/);
    expect(() => updateTemporalSection('- a\n- b\n', selfHosted())).toThrow(/not a block mapping/);
  });
});

describe('temporalSectionFromAnswers', () => {
  it('rejects answers that do not fit together', () => {
    expect(() => temporalSectionFromAnswers(selfHosted({ mode: 'local', tls: { kind: 'system' } }))).toThrow(
      'the local dev server does not use TLS',
    );
    expect(() => temporalSectionFromAnswers(selfHosted({ apiKeyEnv: 'KEY' }))).toThrow('an API key is for Temporal Cloud only');
    expect(() => temporalSectionFromAnswers(cloudWithKey({ apiKeyEnv: undefined }))).toThrow(
      /Temporal Cloud needs an API key variable or a client certificate/,
    );
    expect(() => temporalSectionFromAnswers(selfHosted({ address: 'no-port' }))).toThrow(
      'address: expected an address as "host:port" (port 1-65535), got "no-port"',
    );
    expect(() => temporalSectionFromAnswers(selfHosted({ namespace: 'two words' }))).toThrow('namespace: expected a name without spaces');
  });

  it('refuses a pasted key as the variable name without repeating it', () => {
    const secret = 'eyJhbGciOiJFUzI1NiJ9.eyJhY2NvdW50Ijoi.c2lnbmF0dXJl';
    let message = '';
    try {
      temporalSectionFromAnswers(cloudWithKey({ apiKeyEnv: secret }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('looks like an API key itself');
    expect(message).not.toContain(secret.slice(0, 10));
  });

  it('maps each TLS choice to the tls key', () => {
    expect(temporalSectionFromAnswers(selfHosted()).tls).toBeUndefined();
    expect(temporalSectionFromAnswers(selfHosted({ tls: { kind: 'system' } })).tls).toBe(true);
    expect(temporalSectionFromAnswers(selfHosted({ tls: { kind: 'system', serverName: 'temporal' } })).tls).toEqual({
      server_name: 'temporal',
    });
    expect(temporalSectionFromAnswers(selfHosted({ tls: { kind: 'ca', caFile: 'ca.pem' } })).tls).toEqual({ ca_file: 'ca.pem' });
    expect(temporalSectionFromAnswers(cloudWithKey()).tls).toBeUndefined();
  });
});

describe('checkEnvVarName', () => {
  it('accepts names, $NAME and ${NAME}', () => {
    expect(checkEnvVarName('TEMPORAL_API_KEY')).toEqual({ name: 'TEMPORAL_API_KEY' });
    expect(checkEnvVarName(' $MY_KEY ')).toEqual({ name: 'MY_KEY' });
    expect(checkEnvVarName('${PROD_KEY_2}')).toEqual({ name: 'PROD_KEY_2' });
    expect(checkEnvVarName('TEMPORAL_CLOUD_API_KEY_FOR_PRODUCTION_ACCOUNT')).toEqual({
      name: 'TEMPORAL_CLOUD_API_KEY_FOR_PRODUCTION_ACCOUNT',
    });
  });

  it('refuses keys and things that are not names', () => {
    for (const secret of ['eyJhbGciOiJFUzI1NiJ9.e30.c2ln', 'tmprl-0123456789abcdef.xyz', 'a3f9c2d4e5b6a7c8d9e0f1a2b3c4d5e6']) {
      const result = checkEnvVarName(secret);
      expect(result).toMatchObject({ looksLikeSecret: true });
      expect('error' in result && result.error).not.toContain(secret);
    }
    expect(checkEnvVarName('my-key')).toEqual({
      error: 'not a variable name: use letters, digits and "_", not starting with a digit',
      looksLikeSecret: false,
    });
    expect(checkEnvVarName('9LIVES')).toMatchObject({ looksLikeSecret: false });
    expect(checkEnvVarName('')).toMatchObject({ error: expect.stringContaining('enter the name of an environment variable') });
  });
});

describe('helpers for the questions', () => {
  it('checks addresses and derives the Cloud endpoint of a namespace', () => {
    expect(checkAddress('localhost:7233')).toBeUndefined();
    expect(checkAddress('${TEMPORAL_HOST}')).toBeUndefined();
    expect(checkAddress('localhost:99999')).toMatch(/expected an address/);
    expect(cloudAddressFor('prod.a1b2c')).toBe('prod.a1b2c.tmprl.cloud:7233');
    expect(cloudAddressFor('default')).toBeUndefined();
  });

  it('reads what the file says today as answers', () => {
    expect(currentTemporalSetup('')).toEqual({ configured: false, apiKeyIsLiteral: false });
    expect(currentTemporalSetup('temporal:\n  namespace: x\n')).toMatchObject({
      configured: true,
      mode: 'local',
      namespace: 'x',
      tls: { kind: 'none' },
    });
    expect(currentTemporalSetup(EXISTING)).toMatchObject({
      mode: 'self-hosted',
      address: 'staging.internal:7233',
      namespace: 'payments',
      enabled: true,
    });
    expect(currentTemporalSetup('temporal:\n  target_host: a.b.tmprl.cloud:7233\n  api_key: ${K}\n')).toMatchObject({
      mode: 'cloud',
      apiKeyEnv: 'K',
      apiKeyIsLiteral: false,
    });
    expect(currentTemporalSetup('temporal:\n  api_key: plain-secret\n')).toMatchObject({ mode: 'cloud', apiKeyIsLiteral: true });
    expect(currentTemporalSetup('temporal:\n  target_host: t:7233\n  tls: {cert_file: c, key_file: k, server_name: s}\n').tls).toEqual({
      kind: 'mtls',
      certFile: 'c',
      keyFile: 'k',
      serverName: 's',
    });
  });
});

import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJwtKey, signJwt, startJwtIssuer } from '../jwt.js';
import { resolvePostgresBin } from '../postgres.js';
import { TEMPORAL_SERVER_VERSION, resolveTemporalServer, temporalServerCacheDir } from '../temporal-server.js';

// The parts of the production harness that need no server: where things are looked for, what a user
// is told when they are missing, and tokens a Temporal server can verify.

const emptyDir = () => mkdtempSync(join(tmpdir(), 'aidp-empty-'));

describe('finding the full Temporal server', () => {
  it('caches the build per version under AIDP_CACHE_DIR, else XDG_CACHE_HOME/aidp', () => {
    const version = TEMPORAL_SERVER_VERSION.slice(1);
    expect(temporalServerCacheDir({ AIDP_CACHE_DIR: '/c' })).toBe(`/c/temporal-server-${version}`);
    expect(temporalServerCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(`/x/aidp/temporal-server-${version}`);
  });

  it('names AIDP_TEMPORAL_SERVER_BIN when it points at a folder without the server', async () => {
    const dir = emptyDir();

    await expect(resolveTemporalServer({ env: { AIDP_TEMPORAL_SERVER_BIN: dir } })).rejects.toMatchObject({
      name: 'TemporalServerError',
      message: expect.stringContaining(`AIDP_TEMPORAL_SERVER_BIN is set to "${dir}"`),
    });
  });

  it('says how to get it when it is not built and building is not allowed', async () => {
    const cache = emptyDir();

    await expect(resolveTemporalServer({ env: { AIDP_CACHE_DIR: cache, PATH: '' }, build: false })).rejects.toMatchObject({
      name: 'TemporalServerError',
      message: expect.stringContaining('run scripts/setup.sh'),
    });
  });
});

describe('finding PostgreSQL', () => {
  it('names AIDP_POSTGRES_BIN when it points at a folder without the server programs', () => {
    const dir = emptyDir();

    expect(() => resolvePostgresBin({ AIDP_POSTGRES_BIN: dir })).toThrow(
      `AIDP_POSTGRES_BIN is set to "${dir}", but initdb, pg_ctl, postgres are not all there.`,
    );
  });
});

describe('test tokens', () => {
  it('are RS256 JWTs with the key id, subject, permissions and expiry Temporal reads', () => {
    const key = createJwtKey();
    const token = signJwt(key, { permissions: ['default:write'], expiresInSeconds: 60 });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

    expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT', kid: key.kid });
    const claims = decode(payload);
    expect(claims).toMatchObject({ sub: 'aidp-test', permissions: ['default:write'] });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), key.publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('are verifiable with the key the issuer serves as a JWKS', async () => {
    const issuer = await startJwtIssuer();
    try {
      const jwks = (await (await fetch(issuer.jwksUrl)).json()) as { keys: Array<Record<string, string>> };
      const [served] = jwks.keys;
      expect(served).toMatchObject({ kty: 'RSA', kid: issuer.key.kid, alg: 'RS256', use: 'sig' });

      const token = issuer.sign({ permissions: ['temporal-system:admin'] });
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const publicKey = createPublicKey({ key: served as JsonWebKey, format: 'jwk' });
      expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    } finally {
      await issuer.close();
    }
  });
});

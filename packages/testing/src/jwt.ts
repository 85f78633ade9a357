import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';

/** Claims of a test token: Temporal's default claim mapper reads `sub` and `permissions`. */
export interface TokenClaims {
  sub?: string;
  /** `<namespace>:<role>`, role one of read, write, worker, admin; `temporal-system:admin` is a cluster admin. */
  permissions?: string[];
  /** Seconds until the token expires (default one hour; negative for an expired token). */
  expiresInSeconds?: number;
  [claim: string]: unknown;
}

/** An RS256 signing key and its key id. */
export interface JwtKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A new RS256 key pair. */
export function createJwtKey(): JwtKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey, publicKey };
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/** Signs a JWT (RS256) with `key`, the way an identity provider would. */
export function signJwt(key: JwtKey, claims: TokenClaims = {}): string {
  const { expiresInSeconds = 3600, ...rest } = claims;
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const payload = base64url(JSON.stringify({ sub: 'aidp-test', iat: now, exp: now + expiresInSeconds, ...rest }));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

/** A local identity provider: a key pair whose public half is served as a JWKS over HTTP. */
export interface JwtIssuer {
  /** Where the server fetches the keys (`global.authorization.jwtKeyProvider.keySourceURIs`). */
  jwksUrl: string;
  key: JwtKey;
  /** A token signed with the served key. */
  sign(claims?: TokenClaims): string;
  close(): Promise<void>;
}

/** Serves a new key's JWKS on a free port of 127.0.0.1. */
export async function startJwtIssuer(): Promise<JwtIssuer> {
  const key = createJwtKey();
  const jwk = { ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' };
  const body = JSON.stringify({ keys: [jwk] });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    key,
    sign: (claims) => signJwt(key, claims),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a private CA, a server certificate it signed and a client certificate it signed. */
export interface TestCertificates {
  dir: string;
  caCert: string;
  caKey: string;
  /** For `localhost` and `127.0.0.1`. */
  serverCert: string;
  serverKey: string;
  /** Client authentication (mTLS), common name `aidp-test-client`. */
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by a CA the server does not trust. */
  strangerCert: string;
  strangerKey: string;
  /** Removes the folder. */
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${(err as Error).message}\n${stderr}`, { cause: err });
  }
}

/**
 * Creates certificates with the `openssl` command in a new temporary folder. Keys are P-256 (quick to
 * make, and both Go's and rustls' TLS accept them); certificates are X.509 v3 with the extensions
 * strict verifiers require (subject alternative names, key usage, CA basic constraints).
 */
export function createCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-certs-'));
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string, cn: string) =>
    openssl(dir, [
      'req',
      '-x509',
      ...key,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '3',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  const leaf = (name: string, signer: string, cn: string, extensions: string[]) => {
    writeFileSync(
      join(dir, `${name}.ext`),
      `${['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', ...extensions].join('\n')}\n`,
    );
    openssl(dir, ['req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${signer}.pem`,
      '-CAkey',
      `${signer}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '3',
      '-extfile',
      `${name}.ext`,
    ]);
  };
  ca('ca', 'AIDP test CA');
  leaf('server', 'ca', 'localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth']);
  leaf('client', 'ca', 'aidp-test-client', ['extendedKeyUsage=clientAuth']);
  ca('stranger-ca', 'Someone else');
  leaf('stranger', 'stranger-ca', 'aidp-stranger', ['extendedKeyUsage=clientAuth']);
  const file = (name: string) => join(dir, name);
  return {
    dir,
    caCert: file('ca.pem'),
    caKey: file('ca.key'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    strangerCert: file('stranger.pem'),
    strangerKey: file('stranger.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * What is on the other end of a TCP address, told from a few bytes: used to say what really answered
 * when something that is not the expected Temporal server holds a port. Plain sockets only: the one
 * question that needs Temporal's API ("is this a Temporal server?") is asked by the callers, through
 * their own Temporal connection.
 */
import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

/** What answered on an address. */
export type Listener =
  /** Nothing: the connection was refused or timed out (`code` says which). */
  | { kind: 'none'; code: string }
  /** An HTTP/1 server, with its status line and `Server` header. */
  | { kind: 'http'; statusLine: string; server?: string }
  /** An HTTP/2 server, such as a gRPC service (Temporal's frontend is one). */
  | { kind: 'http2' }
  /** A TLS server. */
  | { kind: 'tls' }
  /** It took the connection and said nothing. */
  | { kind: 'silent' }
  /** It took the connection, and closed it without a word when asked a question. */
  | { kind: 'closed' }
  /** Something else; `greeting` is the start of what it sent, printable characters only. */
  | { kind: 'other'; greeting: string };

/** A process listening on a port of this machine. */
export interface ListeningProcess {
  pid: number;
  /** Its command line, shortened. */
  command: string;
}

/** Options of {@link probeListener}. */
export interface ProbeListenerOptions {
  /** How long to wait for the connection and for an answer (default 2 s). */
  timeoutMs?: number;
}

// Servers that speak first (SSH, SMTP, HTTP/2 with its SETTINGS frame) are heard before we say
// anything; the others get a plain HTTP request.
const GREETING_WAIT_MS = 300;

/**
 * Connects to `host:port` and tells what answered: nothing, an HTTP/1 server, an HTTP/2 (gRPC)
 * server, a TLS server, a server that says nothing, or something else. It sends at most one
 * `GET /` request, and only to a server that did not speak first.
 */
export async function probeListener(host: string, port: number, options: ProbeListenerOptions = {}): Promise<Listener> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const found = await plainProbe(host, port, timeoutMs);
  // A TLS server hangs up on a plain request without a word (Node's does); a handshake tells.
  if (found.kind === 'closed' && (await answersTls(host, port, timeoutMs))) return { kind: 'tls' };
  return found;
}

async function plainProbe(host: string, port: number, timeoutMs: number): Promise<Listener> {
  return await new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    let received = Buffer.alloc(0);
    let settled = false;
    let asked = false;
    const timers: NodeJS.Timeout[] = [];
    const done = (listener: Listener) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      socket.destroy();
      resolve(listener);
    };
    const fromBytes = (): Listener | undefined => (received.length === 0 ? undefined : classify(received));
    timers.push(setTimeout(() => done({ kind: 'none', code: 'ETIMEDOUT' }), timeoutMs));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(fromBytes() ?? (asked ? { kind: 'closed' } : { kind: 'none', code: error.code ?? 'ECONNREFUSED' })),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]).subarray(0, 4096);
      const listener = classify(received);
      // An HTTP/1 answer is worth reading to the end of its headers, for the Server line.
      if (listener.kind !== 'http' || received.includes('\r\n\r\n') || received.length >= 4096) done(listener);
    });
    socket.once('close', () => done(fromBytes() ?? { kind: 'closed' }));
    socket.once('connect', () => {
      clearTimeout(timers[0]);
      timers.push(
        setTimeout(() => {
          if (received.length > 0) return;
          asked = true;
          socket.write(`GET / HTTP/1.1\r\nHost: ${isIP(host) === 6 ? `[${host}]` : host}:${port}\r\nConnection: close\r\n\r\n`);
          timers.push(setTimeout(() => done(fromBytes() ?? { kind: 'silent' }), timeoutMs));
        }, GREETING_WAIT_MS),
      );
    });
  });
}

/** True when `host:port` completes a TLS handshake, or refuses one with a TLS alert. */
async function answersTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return await new Promise((resolve) => {
    // Not verified: the question is only whether it speaks TLS.
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    const done = (tls: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(tls);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', (error: Error & { code?: string }) => done(/ALERT/i.test(error.code ?? '') || /alert/i.test(error.message)));
    socket.once('close', () => done(false));
  });
}

function classify(bytes: Buffer): Listener {
  const text = bytes.toString('latin1');
  if (/^HTTP\/\d/.test(text)) {
    const [statusLine = '', ...headers] = text.split('\r\n');
    const server = headers
      .find((line) => /^server:/i.test(line))
      ?.slice('server:'.length)
      .trim();
    return { kind: 'http', statusLine: statusLine.trim(), ...(server ? { server } : {}) };
  }
  // An HTTP/2 frame header: 3 bytes of length, then the type; servers open with SETTINGS (4) and
  // answer a request they cannot parse with GOAWAY (7).
  if (bytes.length >= 9 && (bytes[3] === 0x04 || bytes[3] === 0x07)) return { kind: 'http2' };
  // A TLS record: handshake (22) or alert (21), version 3.x.
  if (bytes.length >= 3 && (bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03) return { kind: 'tls' };
  const greeting = text
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 60);
  return { kind: 'other', greeting };
}

/** The listener in words, for the end of "… is in use by": `an HTTP server (it answered "HTTP/1.1 200 OK")`. */
export function describeListener(listener: Listener): string {
  switch (listener.kind) {
    case 'none':
      return 'nothing';
    case 'http':
      return `an HTTP server (it answered "${listener.statusLine}"${listener.server ? `, Server: ${listener.server}` : ''})`;
    case 'http2':
      return 'an HTTP/2 or gRPC server';
    case 'tls':
      return 'a TLS server';
    case 'silent':
      return 'a program that accepted the connection and said nothing';
    case 'closed':
      return 'a program that closed the connection without answering';
    case 'other':
      return listener.greeting ? `a program that said "${listener.greeting}"` : 'a program that answered with binary data';
  }
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|0\.0\.0\.0|::)$/;

/**
 * The process listening on `port`, when the operating system tells (Linux, for processes this user
 * may inspect); undefined otherwise. Only for a `host` of this machine.
 */
export function listeningProcess(port: number, host = '127.0.0.1'): ListeningProcess | undefined {
  if (process.platform !== 'linux' || !isLocalHost(host)) return undefined;
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text: string;
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        // local_address is "ADDR:PORT" in hex; state 0A is LISTEN; the inode is field 9.
        const local = fields[1];
        if (!local || fields[3] !== '0A') continue;
        if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9] && fields[9] !== '0') inodes.add(fields[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target: string;
        try {
          target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return { pid: Number(entry), command: commandOf(entry) };
      }
    }
  } catch {
    // Best effort: the message is still true without the process.
  }
  return undefined;
}

function commandOf(pid: string): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
    const command = argv.map((arg, i) => (i === 0 ? arg.slice(arg.lastIndexOf('/') + 1) : arg)).join(' ');
    if (command) return command.length > 80 ? `${command.slice(0, 79)}…` : command;
  } catch {
    // fall through to the short name
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** True for a host name or address that is this machine's. */
export function isLocalHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return LOOPBACK.test(bare) || localAddresses().includes(bare);
}

/** The IP addresses of this machine's network interfaces, IPv4 first. */
export function localAddresses(): string[] {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined)
    .map((info) => ({ address: info.address.replace(/%.*$/, ''), family: info.family }));
  return [...addresses.filter((a) => a.family === 'IPv4'), ...addresses.filter((a) => a.family !== 'IPv4')].map((a) => a.address);
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadGitHubOpenApi, type OpenApiContract } from './openapi.js';
import { Ids, Json, timestamp, type DoubleComment, type DoubleIssue, type DoublePull, type RepoState } from './resources.js';
import { commentRoutes } from './routes/comments.js';
import { issueRoutes } from './routes/issues.js';
import { pullRoutes } from './routes/pulls.js';
import { repoRoutes } from './routes/repos.js';
import { error, matches, templatePattern, type Reply, type RequestMatch, type Route, type RouteHost } from './routing.js';

/**
 * A local stand-in for GitHub's REST API (api.github.com) for AIDP's tests: the handful of
 * endpoints AIDP uses, with GitHub's semantics and response shapes. Every request body it receives
 * and every response it sends is checked against GitHub's OpenAPI description; violations, and
 * requests no route serves, land in `problems`, which tests assert empty. The routes live by resource
 * under ./routes; this module serves them: state, authentication, validation, canned failures, hooks.
 */

export type { RequestMatch } from './routing.js';

export interface GitHubDoubleOptions {
  /** Accepted tokens (Authorization: `token X` or `Bearer X`); any other or none → 401 with GitHub's error body. */
  tokens: string[];
  /** Repositories served. */
  repos: Array<{ owner: string; name: string; defaultBranch?: string; private?: boolean }>;
  /** Login of the tokens' user: author of comments and pulls created through the API. Default `aidp-bot`. */
  login?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/repos/acme/app/pulls`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
  status: number;
  /** GitHub's operation id (`pulls/create`) when a route matched. */
  operationId?: string;
}

export interface CannedReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface NewIssue {
  number?: number;
  title: string;
  body?: string | null;
  labels?: string[];
  state?: 'open' | 'closed';
  comments?: Array<{ body: string; user?: string }>;
  user?: string;
}

export interface NewPull {
  title: string;
  body?: string;
  head: string;
  base: string;
  draft?: boolean;
  labels?: string[];
  state?: 'open' | 'closed';
  user?: string;
}

export interface GitHubDouble {
  /** e.g. `http://127.0.0.1:PORT`: use as octokit's `baseUrl`. */
  readonly url: string;
  /** Numbers are shared with pulls, as on GitHub. */
  addIssue(repo: string, issue: NewIssue): DoubleIssue;
  addPull(repo: string, pull: NewPull): DoublePull;
  issue(repo: string, n: number): DoubleIssue | undefined;
  issueComments(repo: string, n: number): DoubleComment[];
  pulls(repo: string): DoublePull[];
  /** The next `times` (default 1) requests matching method+path are answered with `reply` instead. */
  failNext(match: RequestMatch, reply: CannedReply, times?: number): void;
  /** Called after a matching request has been answered with a 2xx. */
  onAfter(match: RequestMatch, callback: (req: RecordedRequest, res: { status: number; body: unknown }) => void): void;
  /** Every request served, in order. The Authorization header is never recorded. */
  readonly requests: RecordedRequest[];
  /** Unmatched routes and request or response bodies that violate GitHub's OpenAPI description. */
  readonly problems: string[];
  /** Throws, listing them, when there are problems. */
  assertNoProblems(): void;
  close(): Promise<void>;
}

export async function startGitHubDouble(options: GitHubDoubleOptions): Promise<GitHubDouble> {
  const contract = loadGitHubOpenApi();
  const double = new Double(options, contract);
  await double.listen();
  return double;
}

class Double implements GitHubDouble, RouteHost {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly problems: string[] = [];
  private readonly server = createServer((req, res) => this.serve(req, res));
  private readonly ids = new Ids();
  /** The JSON GitHub sends, for the routes; made in listen(), once the URL is known. */
  json!: Json;
  private readonly repos = new Map<string, RepoState>();
  private readonly failures: Array<{ match: RequestMatch; reply: CannedReply; left: number }> = [];
  private readonly hooks: Array<{ match: RequestMatch; callback: Parameters<GitHubDouble['onAfter']>[1] }> = [];
  private readonly routes: Array<Route & { pattern: RegExp }>;
  readonly login: string;
  private served = 0;

  constructor(
    private readonly options: GitHubDoubleOptions,
    private readonly contract: OpenApiContract,
  ) {
    this.login = options.login ?? 'aidp-bot';
    this.routes = [...repoRoutes(this), ...issueRoutes(this), ...commentRoutes(this), ...pullRoutes(this)].map((route) => ({
      ...route,
      pattern: templatePattern(route.template, true),
    }));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.json = new Json(this.url, this.ids);
    const created = timestamp();
    for (const repo of this.options.repos) {
      this.repos.set(`${repo.owner}/${repo.name}`.toLowerCase(), {
        owner: repo.owner,
        name: repo.name,
        defaultBranch: repo.defaultBranch ?? 'main',
        private: repo.private ?? false,
        id: this.ids.id(),
        createdAt: created,
        issues: new Map(),
        pulls: new Map(),
        comments: new Map(),
        labelIds: new Map(),
        lastNumber: 0,
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeAllConnections();
    });
  }

  // --- state, for tests ------------------------------------------------------------------------

  private repo(fullName: string): RepoState {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`The GitHub double serves no repository ${fullName}`);
    return repo;
  }

  private nextNumber(repo: RepoState, wanted?: number): number {
    if (wanted !== undefined) {
      if (repo.issues.has(wanted) || repo.pulls.has(wanted)) {
        throw new Error(`#${wanted} already exists in ${repo.owner}/${repo.name}`);
      }
      repo.lastNumber = Math.max(repo.lastNumber, wanted);
      return wanted;
    }
    return ++repo.lastNumber;
  }

  addIssue(fullName: string, issue: NewIssue): DoubleIssue {
    const repo = this.repo(fullName);
    const now = timestamp();
    const record: DoubleIssue = {
      number: this.nextNumber(repo, issue.number),
      id: this.ids.id(),
      title: issue.title,
      body: issue.body ?? null,
      labels: [...(issue.labels ?? [])],
      state: issue.state ?? 'open',
      stateReason: issue.state === 'closed' ? 'completed' : null,
      user: issue.user ?? 'octocat',
      createdAt: now,
      updatedAt: now,
      closedAt: issue.state === 'closed' ? now : null,
    };
    repo.issues.set(record.number, record);
    for (const comment of issue.comments ?? []) this.addComment(repo, record.number, comment.body, comment.user ?? 'octocat');
    return record;
  }

  addPull(fullName: string, pull: NewPull): DoublePull {
    return this.createPull(this.repo(fullName), pull);
  }

  issue(fullName: string, n: number): DoubleIssue | undefined {
    return this.repo(fullName).issues.get(n);
  }

  issueComments(fullName: string, n: number): DoubleComment[] {
    return [...(this.repo(fullName).comments.get(n) ?? [])];
  }

  pulls(fullName: string): DoublePull[] {
    return [...this.repo(fullName).pulls.values()].sort((a, b) => a.number - b.number);
  }

  failNext(match: RequestMatch, reply: CannedReply, times = 1): void {
    this.failures.push({ match, reply, left: times });
  }

  onAfter(match: RequestMatch, callback: Parameters<GitHubDouble['onAfter']>[1]): void {
    this.hooks.push({ match, callback });
  }

  assertNoProblems(): void {
    if (this.problems.length > 0) {
      throw new Error(`The GitHub double saw ${this.problems.length} problem(s):\n- ${this.problems.join('\n- ')}`);
    }
  }

  createPull(repo: RepoState, pull: NewPull): DoublePull {
    const now = timestamp();
    const number = this.nextNumber(repo);
    const record: DoublePull = {
      number,
      id: this.ids.id(),
      title: pull.title,
      body: pull.body ?? null,
      head: pull.head,
      base: pull.base,
      draft: pull.draft ?? false,
      labels: [...(pull.labels ?? [])],
      state: pull.state ?? 'open',
      merged: false,
      user: pull.user ?? this.login,
      createdAt: now,
      updatedAt: now,
      closedAt: pull.state === 'closed' ? now : null,
      htmlUrl: `${this.url}/${repo.owner}/${repo.name}/pull/${number}`,
    };
    repo.pulls.set(number, record);
    return record;
  }

  addComment(repo: RepoState, issueNumber: number, body: string, user: string): DoubleComment {
    const now = timestamp();
    const comment: DoubleComment = { id: this.ids.id(), issueNumber, body, user, createdAt: now, updatedAt: now };
    const list = repo.comments.get(issueNumber) ?? [];
    list.push(comment);
    repo.comments.set(issueNumber, list);
    return comment;
  }

  // --- HTTP --------------------------------------------------------------------------------------

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        this.answer(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        this.problems.push(`${req.method} ${req.url}: the double failed: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) this.send(res, error(500, 'Server Error'));
      }
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse, text: string): void {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = new URL(req.url ?? '/', this.url);
    const path = target.pathname;
    const query = Object.fromEntries(target.searchParams);
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    const record: RecordedRequest = { method, path, query, body: undefined, status: 0 };
    if (route) record.operationId = this.contract.operationId(route.template, method);
    const finish = (reply: Reply, validate: boolean): void => {
      record.status = reply.status;
      if (validate && route) this.checkResponse(route, method, path, reply);
      this.requests.push(record);
      this.send(res, reply, () => {
        if (reply.status >= 200 && reply.status < 300) this.runHooks(record, reply);
      });
    };

    if (text.trim() !== '') {
      try {
        record.body = JSON.parse(text);
      } catch {
        this.problems.push(`${method} ${path}: the request body is not JSON: ${text.slice(0, 200)}`);
        return finish(error(400, 'Problems parsing JSON', route?.docs), false);
      }
    }

    const failure = this.failures.find((f) => f.left > 0 && matches(f.match, method, path));
    if (failure) {
      failure.left--;
      // A canned reply with a body (a rate-limit message, say) must still look like GitHub's.
      const reply: Reply = { status: failure.reply.status, body: failure.reply.body ?? '' };
      if (failure.reply.headers) reply.headers = failure.reply.headers;
      return finish(reply, failure.reply.body !== undefined);
    }

    if (!route) {
      this.problems.push(`${method} ${path}: no route of the GitHub double matches`);
      return finish(error(404, 'Not Found'), false);
    }

    const auth = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!req.headers.authorization) return finish(error(401, 'Requires authentication', route.docs), true);
    if (!auth || !this.options.tokens.includes(auth[1]!)) return finish(error(401, 'Bad credentials'), true);

    // GitHub answers 404 for a repository it does not show before it looks at the body.
    const params = Object.fromEntries(Object.entries(route.pattern.exec(path)!.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
    let repo: RepoState | undefined;
    if (params.owner !== undefined && params.repo !== undefined) {
      repo = this.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
      if (!repo) return finish(error(404, 'Not Found', route.docs), true);
    }

    const requestErrors =
      record.body === undefined && (method === 'GET' || method === 'DELETE')
        ? []
        : this.contract.checkRequest(route.template, method, record.body ?? {});
    if (requestErrors.length > 0) {
      this.problems.push(`${record.operationId} ${method} ${path}: request body violates the schema: ${requestErrors.join('; ')}`);
      return finish(
        { status: 422, body: { message: `Invalid request.\n\n${requestErrors.join('\n')}`, documentation_url: route.docs, status: '422' } },
        true,
      );
    }

    const reply = route.handle({ params, query, body: record.body, repo: repo!, path: `${path}${target.search}` });
    finish(reply, true);
  }

  private checkResponse(route: Route, method: string, path: string, reply: Reply): void {
    const errors = this.contract.checkResponse(route.template, method, reply.status, reply.body);
    if (errors.length > 0) {
      const op = this.contract.operationId(route.template, method) ?? route.template;
      this.problems.push(`${op} ${method} ${path} → ${reply.status}: response violates the schema: ${errors.join('; ')}`);
    }
  }

  private send(res: ServerResponse, reply: Reply, after?: () => void): void {
    this.served++;
    const used = this.served % 5000;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': randomUUID().toUpperCase(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(5000 - used),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': 'core',
    };
    for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = value;
    const payload = reply.body === '' || reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, headers);
    res.end(payload, after);
  }

  private runHooks(record: RecordedRequest, reply: Reply): void {
    for (const hook of this.hooks) {
      if (!matches(hook.match, record.method, record.path)) continue;
      try {
        hook.callback(record, { status: reply.status, body: reply.body });
      } catch (err) {
        this.problems.push(`onAfter ${record.method} ${record.path}: the callback threw: ${(err as Error).message}`);
      }
    }
  }
}

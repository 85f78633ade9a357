import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadGitHubOpenApi, type OpenApiContract } from './openapi.js';
import {
  Ids,
  Json,
  timestamp,
  type DoubleComment,
  type DoubleIssue,
  type DoublePull,
  type RepoState,
} from './resources.js';

/**
 * A local stand-in for GitHub's REST API (api.github.com) for AIDP's tests: the handful of
 * endpoints AIDP uses, with GitHub's semantics and response shapes. Every request body it receives
 * and every response it sends is checked against GitHub's OpenAPI description; violations, and
 * requests no route serves, land in `problems`, which tests assert empty.
 */

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

export interface RequestMatch {
  method: string;
  /** A path with `{param}` placeholders (`/repos/{owner}/{repo}/pulls`), a concrete path, or a RegExp tested on the path. */
  path: string | RegExp;
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

const DOCS = 'https://docs.github.com/rest';

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Context {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  repo: RepoState;
  /** Path and query of this request, for Link headers. */
  path: string;
}

interface Route {
  method: string;
  /** As in GitHub's OpenAPI description (and its `paths` key). */
  template: string;
  /** Where GitHub's error bodies point for this operation. */
  docs: string;
  handle(ctx: Context): Reply;
  pattern?: RegExp;
}

const error = (status: number, message: string, docs = DOCS): Reply => ({
  status,
  body: { message, documentation_url: docs, status: String(status) },
});

const validationFailed = (docs: string, errors: Array<Record<string, unknown>>): Reply => ({
  status: 422,
  body: { message: 'Validation Failed', errors, documentation_url: docs, status: '422' },
});

export async function startGitHubDouble(options: GitHubDoubleOptions): Promise<GitHubDouble> {
  const contract = loadGitHubOpenApi();
  const double = new Double(options, contract);
  await double.listen();
  return double;
}

class Double implements GitHubDouble {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly problems: string[] = [];
  private readonly server = createServer((req, res) => this.serve(req, res));
  private readonly ids = new Ids();
  private json!: Json;
  private readonly repos = new Map<string, RepoState>();
  private readonly failures: Array<{ match: RequestMatch; reply: CannedReply; left: number }> = [];
  private readonly hooks: Array<{ match: RequestMatch; callback: Parameters<GitHubDouble['onAfter']>[1] }> = [];
  private readonly routes: Route[];
  private readonly login: string;
  private served = 0;

  constructor(
    private readonly options: GitHubDoubleOptions,
    private readonly contract: OpenApiContract,
  ) {
    this.login = options.login ?? 'aidp-bot';
    this.routes = this.defineRoutes().map((route) => ({ ...route, pattern: templatePattern(route.template, true) }));
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

  private createPull(repo: RepoState, pull: NewPull): DoublePull {
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

  private addComment(repo: RepoState, issueNumber: number, body: string, user: string): DoubleComment {
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
    const route = this.routes.find((r) => r.method === method && r.pattern!.test(path));
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
    const params = Object.fromEntries(
      Object.entries(route.pattern!.exec(path)!.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
    );
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

  // --- routes ------------------------------------------------------------------------------------

  private defineRoutes(): Route[] {
    const issuesDocs = 'https://docs.github.com/rest/issues/issues#get-an-issue';
    const commentsDocs = 'https://docs.github.com/rest/issues/comments';
    const pullsDocs = 'https://docs.github.com/rest/pulls/pulls';
    return [
      {
        method: 'GET',
        template: '/user',
        docs: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        handle: () => ({ status: 200, body: this.json.authenticatedUser(this.login) }),
      },
      {
        method: 'GET',
        template: '/repos/{owner}/{repo}',
        docs: 'https://docs.github.com/rest/repos/repos#get-a-repository',
        handle: ({ repo }) => ({ status: 200, body: this.json.repository(repo, true) }),
      },
      {
        method: 'GET',
        template: '/repos/{owner}/{repo}/issues/{issue_number}',
        docs: issuesDocs,
        handle: ({ repo, params }) => {
          const n = Number(params.issue_number);
          const item = repo.issues.get(n) ?? repo.pulls.get(n);
          if (!item) return error(404, 'Not Found', issuesDocs);
          return { status: 200, body: this.json.issue(repo, item) };
        },
      },
      {
        method: 'PATCH',
        template: '/repos/{owner}/{repo}/issues/{issue_number}',
        docs: 'https://docs.github.com/rest/issues/issues#update-an-issue',
        handle: ({ repo, params, body }) => {
          const n = Number(params.issue_number);
          const item = repo.issues.get(n) ?? repo.pulls.get(n);
          if (!item) return error(404, 'Not Found', 'https://docs.github.com/rest/issues/issues#update-an-issue');
          const input = (body ?? {}) as {
            title?: string | number | null;
            body?: string | null;
            state?: 'open' | 'closed';
            state_reason?: DoubleIssue['stateReason'];
            labels?: Array<string | { name?: string }>;
          };
          const now = timestamp();
          if (input.title !== undefined && input.title !== null) item.title = String(input.title);
          if (input.body !== undefined) item.body = input.body;
          if (input.labels !== undefined) item.labels = labelNames(input.labels);
          if (input.state !== undefined && input.state !== item.state) {
            item.state = input.state;
            item.closedAt = input.state === 'closed' ? now : null;
            if ('stateReason' in item) {
              item.stateReason = input.state === 'closed' ? (input.state_reason ?? 'completed') : 'reopened';
            }
          }
          item.updatedAt = now;
          return { status: 200, body: this.json.issue(repo, item) };
        },
      },
      {
        method: 'POST',
        template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
        docs: 'https://docs.github.com/rest/issues/labels#add-labels-to-an-issue',
        handle: ({ repo, params, body }) => {
          const n = Number(params.issue_number);
          const item = repo.issues.get(n) ?? repo.pulls.get(n);
          if (!item) return error(404, 'Not Found', 'https://docs.github.com/rest/issues/labels#add-labels-to-an-issue');
          const input = body as Array<string | { name?: string }> | { labels?: Array<string | { name?: string }> };
          for (const name of labelNames(Array.isArray(input) ? input : (input.labels ?? []))) {
            if (!item.labels.includes(name)) item.labels.push(name);
          }
          item.updatedAt = timestamp();
          return { status: 200, body: item.labels.map((name) => this.json.label(repo, name)) };
        },
      },
      {
        method: 'DELETE',
        template: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
        docs: 'https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue',
        handle: ({ repo, params }) => {
          const docs = 'https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue';
          const n = Number(params.issue_number);
          const item = repo.issues.get(n) ?? repo.pulls.get(n);
          if (!item) return error(404, 'Not Found', docs);
          const index = item.labels.indexOf(params.name!);
          if (index === -1) return error(404, 'Label does not exist', docs);
          item.labels.splice(index, 1);
          item.updatedAt = timestamp();
          return { status: 200, body: item.labels.map((name) => this.json.label(repo, name)) };
        },
      },
      {
        method: 'GET',
        template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        docs: `${commentsDocs}#list-issue-comments`,
        handle: ({ repo, params, query, path }) => {
          const n = Number(params.issue_number);
          if (!repo.issues.has(n) && !repo.pulls.has(n)) return error(404, 'Not Found', `${commentsDocs}#list-issue-comments`);
          let comments = repo.comments.get(n) ?? [];
          const since = query.since === undefined ? NaN : Date.parse(query.since);
          if (!Number.isNaN(since)) comments = comments.filter((c) => Date.parse(c.updatedAt) >= since);
          const page = paginate(comments, query, this.url, path);
          return { status: 200, body: page.items.map((c) => this.json.comment(repo, c)), headers: page.headers };
        },
      },
      {
        method: 'POST',
        template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        docs: `${commentsDocs}#create-an-issue-comment`,
        handle: ({ repo, params, body }) => {
          const n = Number(params.issue_number);
          if (!repo.issues.has(n) && !repo.pulls.has(n)) return error(404, 'Not Found', `${commentsDocs}#create-an-issue-comment`);
          const comment = this.addComment(repo, n, (body as { body: string }).body, this.login);
          const json = this.json.comment(repo, comment);
          return { status: 201, body: json, headers: { location: json.url as string } };
        },
      },
      {
        method: 'PATCH',
        template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
        docs: `${commentsDocs}#update-an-issue-comment`,
        handle: ({ repo, params, body }) => {
          const id = Number(params.comment_id);
          const comment = [...repo.comments.values()].flat().find((c) => c.id === id);
          if (!comment) return error(404, 'Not Found', `${commentsDocs}#update-an-issue-comment`);
          comment.body = (body as { body: string }).body;
          comment.updatedAt = timestamp();
          return { status: 200, body: this.json.comment(repo, comment) };
        },
      },
      {
        method: 'GET',
        template: '/repos/{owner}/{repo}/pulls',
        docs: `${pullsDocs}#list-pull-requests`,
        handle: ({ repo, query, path }) => {
          const state = query.state ?? 'open';
          if (!['open', 'closed', 'all'].includes(state)) {
            return validationFailed(`${pullsDocs}#list-pull-requests`, [
              { resource: 'PullRequest', field: 'state', code: 'invalid' },
            ]);
          }
          let pulls = [...repo.pulls.values()].filter((p) => state === 'all' || p.state === state);
          // GitHub ignores a `head` without the `owner:` prefix rather than matching the branch name.
          if (query.head?.includes(':')) {
            const [owner, ...rest] = query.head.split(':');
            const branch = rest.join(':');
            pulls = pulls.filter((p) => owner!.toLowerCase() === repo.owner.toLowerCase() && p.head === branch);
          }
          if (query.base) pulls = pulls.filter((p) => p.base === query.base);
          const sort = query.sort ?? 'created';
          const direction = query.direction ?? (sort === 'created' ? 'desc' : 'asc');
          const key = (p: DoublePull): string => (sort === 'updated' ? p.updatedAt : p.createdAt) + String(p.number).padStart(10, '0');
          pulls.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
          if (direction === 'desc') pulls.reverse();
          const page = paginate(pulls, query, this.url, path);
          return {
            status: 200,
            body: page.items.map((p) => this.json.pull(repo, p, { simple: true })),
            headers: page.headers,
          };
        },
      },
      {
        method: 'POST',
        template: '/repos/{owner}/{repo}/pulls',
        docs: `${pullsDocs}#create-a-pull-request`,
        handle: ({ repo, body }) => {
          const docs = `${pullsDocs}#create-a-pull-request`;
          const input = body as { title?: string; head: string; base: string; body?: string; draft?: boolean };
          let head = input.head;
          if (head.includes(':')) {
            const [owner, ...rest] = head.split(':');
            if (owner!.toLowerCase() !== repo.owner.toLowerCase()) {
              return validationFailed(docs, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
            }
            head = rest.join(':');
          }
          if (input.title === undefined) {
            return validationFailed(docs, [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
          }
          if (head === input.base) {
            return validationFailed(docs, [
              { resource: 'PullRequest', code: 'custom', message: `No commits between ${input.base} and ${head}` },
            ]);
          }
          const existing = [...repo.pulls.values()].find((p) => p.state === 'open' && p.head === head && p.base === input.base);
          if (existing) {
            return validationFailed(docs, [
              { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` },
            ]);
          }
          const pull = this.createPull(repo, {
            title: input.title,
            head,
            base: input.base,
            draft: input.draft ?? false,
            ...(input.body !== undefined ? { body: input.body } : {}),
          });
          const json = this.json.pull(repo, pull, { fresh: true });
          return { status: 201, body: json, headers: { location: json.url as string } };
        },
      },
      {
        method: 'GET',
        template: '/repos/{owner}/{repo}/pulls/{pull_number}',
        docs: `${pullsDocs}#get-a-pull-request`,
        handle: ({ repo, params }) => {
          const pull = repo.pulls.get(Number(params.pull_number));
          if (!pull) return error(404, 'Not Found', `${pullsDocs}#get-a-pull-request`);
          return { status: 200, body: this.json.pull(repo, pull) };
        },
      },
      {
        method: 'PATCH',
        template: '/repos/{owner}/{repo}/pulls/{pull_number}',
        docs: `${pullsDocs}#update-a-pull-request`,
        handle: ({ repo, params, body }) => {
          const docs = `${pullsDocs}#update-a-pull-request`;
          const pull = repo.pulls.get(Number(params.pull_number));
          // GitHub answers 404 here although the description lists no 404 for pulls/update.
          if (!pull) return error(404, 'Not Found', docs);
          const input = (body ?? {}) as { title?: string; body?: string; state?: 'open' | 'closed'; base?: string };
          const base = input.base ?? pull.base;
          if (input.state === 'open' && pull.state === 'closed') {
            const other = [...repo.pulls.values()].find(
              (p) => p !== pull && p.state === 'open' && p.head === pull.head && p.base === base,
            );
            if (other) {
              return validationFailed(docs, [
                { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${pull.head}.` },
              ]);
            }
          }
          if (base === pull.head) {
            return validationFailed(docs, [
              { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${pull.head}` },
            ]);
          }
          const now = timestamp();
          if (input.title !== undefined) pull.title = input.title;
          if (input.body !== undefined) pull.body = input.body;
          pull.base = base;
          if (input.state !== undefined && input.state !== pull.state) {
            pull.state = input.state;
            pull.closedAt = input.state === 'closed' ? now : null;
          }
          pull.updatedAt = now;
          return { status: 200, body: this.json.pull(repo, pull) };
        },
      },
    ];
  }
}

/** `{name}` placeholders become segments; for routes, numeric params (`*_number`, `*_id`) only match digits. */
function templatePattern(template: string, route: boolean): RegExp {
  let source = '';
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    source += escapeRegExp(template.slice(last, m.index));
    const name = m[1]!;
    const numeric = route && /(_number|_id)$/.test(name);
    source += route ? `(?<${name}>${numeric ? '\\d+' : '[^/]+'})` : '[^/]+';
    last = m.index + m[0].length;
  }
  source += escapeRegExp(template.slice(last));
  return new RegExp(`^${source}/?$`);
}

const labelNames = (labels: Array<string | { name?: string }>): string[] =>
  labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((name) => name !== '');

const escapeRegExp = (text: string): string => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

function matches(match: RequestMatch, method: string, path: string): boolean {
  if (match.method.toUpperCase() !== method) return false;
  return typeof match.path === 'string' ? templatePattern(match.path, false).test(path) : match.path.test(path);
}

/** `per_page` (default 30, max 100) and `page`, with GitHub's Link header (prev, next, last, first). */
function paginate<T>(
  items: T[],
  query: Record<string, string>,
  base: string,
  path: string,
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number.parseInt(query.per_page ?? '', 10) || 30));
  const page = Math.max(1, Number.parseInt(query.page ?? '', 10) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string): string => {
    const url = new URL(path, base);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, lastPage), 'prev'));
  if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}

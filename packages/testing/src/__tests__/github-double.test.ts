import { loadGitHubOpenApi, startGitHubDouble, type GitHubDouble } from '../index.js';

const TOKEN = 'ghp_double_token_0123456789';
const REPO = 'acme/app';

/** An answer of the double; `T` is what the test reads of its JSON (`unknown` when it only compares it). */
interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

// The fields of GitHub's answers that the tests read.
interface Titled {
  title: string;
}
interface Numbered {
  number: number;
}
interface Labels {
  labels: { name: string }[];
}
interface Comment {
  id: number;
  url: string;
  body: string;
}
interface Failure {
  message: string;
  errors: { message: string }[];
}

function client(double: GitHubDouble, authorization: string | null = `token ${TOKEN}`) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>> => {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
    if (authorization !== null) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${double.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
  };
}

const start = (): Promise<GitHubDouble> =>
  startGitHubDouble({
    tokens: [TOKEN],
    repos: [
      { owner: 'acme', name: 'app' },
      { owner: 'acme', name: 'secret', defaultBranch: 'trunk', private: true },
    ],
  });

/**
 * Starts a double before the block's tests (`each`: before each test) and closes it after them; with
 * `strict`, first fails the block when the double saw a problem. `ready` receives each new double.
 */
function useDouble(options: { each: boolean; strict: boolean }, ready: (double: GitHubDouble) => void): void {
  let double: GitHubDouble;
  (options.each ? beforeEach : beforeAll)(async () => {
    double = await start();
    ready(double);
  });
  (options.each ? afterEach : afterAll)(async () => {
    if (options.strict) double.assertNoProblems();
    await double.close();
  });
}

describe('GitHub double: happy paths, every response checked against the OpenAPI description', () => {
  let double: GitHubDouble;
  let gh: ReturnType<typeof client>;
  // Every response of this block is validated on the way out: none may violate GitHub's schemas.
  useDouble({ each: false, strict: true }, (started) => {
    double = started;
    gh = client(started);
  });

  test('GET /repos/{owner}/{repo} describes the repository', async () => {
    const res = await gh('GET', '/repos/acme/app');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'app',
      full_name: 'acme/app',
      default_branch: 'main',
      private: false,
      html_url: `${double.url}/acme/app`,
      owner: { login: 'acme' },
    });
    const secret = await gh('GET', '/repos/acme/secret');
    expect(secret.body).toMatchObject({ default_branch: 'trunk', private: true, visibility: 'private' });
  });

  test('GET /user names the token owner', async () => {
    const res = await gh<{ login: string }>('GET', '/user');
    expect(res.status).toBe(200);
    expect(res.body.login).toBe('aidp-bot');
  });

  test('Bearer tokens are accepted as well as `token`', async () => {
    const res = await client(double, `Bearer ${TOKEN}`)('GET', '/user');
    expect(res.status).toBe(200);
  });

  test('GET an issue returns labels as objects and its comments count', async () => {
    const issue = double.addIssue(REPO, {
      title: 'Add fails on negatives',
      body: 'add(-1, 1) is 2',
      labels: ['aidp', 'bug'],
      comments: [{ body: 'Seen it too', user: 'alice' }],
    });
    const res = await gh<Labels>('GET', `/repos/acme/app/issues/${issue.number}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      number: issue.number,
      title: 'Add fails on negatives',
      body: 'add(-1, 1) is 2',
      state: 'open',
      comments: 1,
      html_url: `${double.url}/acme/app/issues/${issue.number}`,
      user: { login: 'octocat' },
    });
    expect(res.body.labels.map((l: { name: string }) => l.name)).toEqual(['aidp', 'bug']);
    expect(res.body.labels[0]).toEqual(expect.objectContaining({ id: expect.any(Number), color: expect.any(String) }));
    expect(res.body).not.toHaveProperty('pull_request');
  });

  test('an issue with no body and a closed state reads as GitHub sends it (nulls included)', async () => {
    const issue = double.addIssue(REPO, { title: 'Closed', state: 'closed' });
    const res = await gh('GET', `/repos/acme/app/issues/${issue.number}`);
    expect(res.body).toMatchObject({ body: null, state: 'closed', state_reason: 'completed', closed_at: expect.any(String) });
  });

  test('issue numbers are shared with pulls, and a pull read as an issue has `pull_request`', async () => {
    const issue = double.addIssue(REPO, { title: 'One' });
    const pull = double.addPull(REPO, { title: 'Two', head: 'shared-numbers', base: 'main' });
    expect(pull.number).toBe(issue.number + 1);
    const res = await gh<{ pull_request: unknown }>('GET', `/repos/acme/app/issues/${pull.number}`);
    expect(res.status).toBe(200);
    expect(res.body.pull_request).toMatchObject({ html_url: `${double.url}/acme/app/pull/${pull.number}` });
    expect(double.addIssue(REPO, { title: 'Three' }).number).toBe(pull.number + 1);
  });

  test('PATCH an issue changes title, body, labels and state (with its reason)', async () => {
    const issue = double.addIssue(REPO, { title: 'Patch me', labels: ['aidp'] });
    const res = await gh<Labels>('PATCH', `/repos/acme/app/issues/${issue.number}`, {
      title: 'Patched',
      body: 'New body',
      labels: ['aidp:done'],
      state: 'closed',
      state_reason: 'not_planned',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Patched', body: 'New body', state: 'closed', state_reason: 'not_planned' });
    expect(res.body.labels.map((l: { name: string }) => l.name)).toEqual(['aidp:done']);
    expect(double.issue(REPO, issue.number)).toMatchObject({ state: 'closed', labels: ['aidp:done'] });
    const reopened = await gh('PATCH', `/repos/acme/app/issues/${issue.number}`, { state: 'open' });
    expect(reopened.body).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null });
  });

  test('labels are added to and removed from an issue, each answer listing what is left', async () => {
    const issue = double.addIssue(REPO, { title: 'Label me', labels: ['aidp'] });
    const added = await gh<{ name: string }[]>('POST', `/repos/acme/app/issues/${issue.number}/labels`, {
      labels: ['aidp:running', 'aidp'],
    });
    expect(added.status).toBe(200);
    expect(added.body.map((l: { name: string }) => l.name)).toEqual(['aidp', 'aidp:running']);
    const removed = await gh<{ name: string }[]>('DELETE', `/repos/acme/app/issues/${issue.number}/labels/${encodeURIComponent('aidp')}`);
    expect(removed.status).toBe(200);
    expect(removed.body.map((l: { name: string }) => l.name)).toEqual(['aidp:running']);
    expect(double.issue(REPO, issue.number)?.labels).toEqual(['aidp:running']);
  });

  test('comments: create (201), list, update (200)', async () => {
    const issue = double.addIssue(REPO, { title: 'Comment here' });
    const created = await gh<Comment>('POST', `/repos/acme/app/issues/${issue.number}/comments`, { body: 'AIDP is on it' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ body: 'AIDP is on it', user: { login: 'aidp-bot' } });
    expect(created.headers.get('location')).toBe(created.body.url);

    const updated = await gh('PATCH', `/repos/acme/app/issues/comments/${created.body.id}`, { body: 'Done: #99' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, body: 'Done: #99' });

    const list = await gh<Comment[]>('GET', `/repos/acme/app/issues/${issue.number}/comments`);
    expect(list.status).toBe(200);
    expect(list.body.map((c: { body: string }) => c.body)).toEqual(['Done: #99']);
    expect(double.issueComments(REPO, issue.number).map((c) => c.body)).toEqual(['Done: #99']);
  });

  test('comment pages follow per_page/page with a Link header', async () => {
    const issue = double.addIssue(REPO, {
      title: 'Chatty',
      comments: [1, 2, 3, 4, 5].map((n) => ({ body: `c${n}` })),
    });
    const path = `/repos/acme/app/issues/${issue.number}/comments`;
    const first = await gh<Comment[]>('GET', `${path}?per_page=2`);
    expect(first.body.map((c: { body: string }) => c.body)).toEqual(['c1', 'c2']);
    expect(first.headers.get('link')).toBe(
      `<${double.url}${path}?per_page=2&page=2>; rel="next", <${double.url}${path}?per_page=2&page=3>; rel="last"`,
    );
    const last = await gh<Comment[]>('GET', `${path}?per_page=2&page=3`);
    expect(last.body.map((c: { body: string }) => c.body)).toEqual(['c5']);
    expect(last.headers.get('link')).toBe(
      `<${double.url}${path}?per_page=2&page=2>; rel="prev", <${double.url}${path}?per_page=2&page=1>; rel="first"`,
    );
    const all = await gh('GET', path);
    expect(all.body).toHaveLength(5);
    expect(all.headers.get('link')).toBeNull();
    const future = await gh('GET', `${path}?since=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(future.body).toEqual([]);
  });

  test('POST /pulls creates a pull (201) that GET and the state both show', async () => {
    const created = await gh<Numbered>('POST', '/repos/acme/app/pulls', {
      title: 'Fix add',
      head: 'aidp/issue-1',
      base: 'main',
      body: 'Closes #1',
      draft: true,
    });
    expect(created.status).toBe(201);
    const n = created.body.number;
    expect(created.body).toMatchObject({
      title: 'Fix add',
      body: 'Closes #1',
      state: 'open',
      draft: true,
      merged: false,
      html_url: `${double.url}/acme/app/pull/${n}`,
      head: { ref: 'aidp/issue-1', label: 'acme:aidp/issue-1', repo: { full_name: 'acme/app' } },
      base: { ref: 'main' },
      user: { login: 'aidp-bot' },
    });
    expect(created.headers.get('location')).toBe(`${double.url}/repos/acme/app/pulls/${n}`);

    const got = await gh('GET', `/repos/acme/app/pulls/${n}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ number: n, head: { ref: 'aidp/issue-1' } });
    expect(double.pulls(REPO).find((p) => p.number === n)).toMatchObject({ head: 'aidp/issue-1', draft: true });
  });

  test('PATCH /pulls/{n} updates title, body, base and state', async () => {
    const pull = double.addPull(REPO, { title: 'Old', head: 'patch-me', base: 'main' });
    const res = await gh('PATCH', `/repos/acme/app/pulls/${pull.number}`, {
      title: 'New',
      body: 'Updated body',
      base: 'develop',
      state: 'closed',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'New', body: 'Updated body', state: 'closed', base: { ref: 'develop' } });
    expect(pull).toMatchObject({ title: 'New', state: 'closed', base: 'develop', closedAt: expect.any(String) });
  });

  test('GET /pulls filters by state, `owner:branch` head and base; a bare head is ignored as on GitHub', async () => {
    const double2 = await start();
    try {
      const gh2 = client(double2);
      double2.addPull(REPO, { title: 'A', head: 'feature-a', base: 'main' });
      double2.addPull(REPO, { title: 'B', head: 'feature-b', base: 'main' });
      double2.addPull(REPO, { title: 'C', head: 'feature-a', base: 'release', state: 'closed' });
      const titles = async (query: string): Promise<string[]> =>
        (await gh2<Titled[]>('GET', `/repos/acme/app/pulls${query}`)).body.map((p: { title: string }) => p.title);

      expect(await titles('')).toEqual(['B', 'A']); // open, newest first
      expect(await titles('?head=acme:feature-a')).toEqual(['A']);
      expect(await titles('?head=acme:feature-a&state=all')).toEqual(['C', 'A']);
      expect(await titles('?head=someone-else:feature-a')).toEqual([]);
      expect(await titles('?head=feature-a')).toEqual(['B', 'A']);
      expect(await titles('?state=closed')).toEqual(['C']);
      expect(await titles('?state=all&base=release')).toEqual(['C']);
      expect(await titles('?state=all&direction=asc')).toEqual(['A', 'B', 'C']);

      const page = await gh2<Titled[]>('GET', '/repos/acme/app/pulls?state=all&per_page=1&page=2');
      expect(page.body.map((p: { title: string }) => p.title)).toEqual(['B']);
      expect(page.headers.get('link')).toContain('rel="next"');
      expect(page.headers.get('link')).toContain(`<${double2.url}/repos/acme/app/pulls?state=all&per_page=1&page=3>; rel="last"`);
      double2.assertNoProblems();
    } finally {
      await double2.close();
    }
  });

  test('responses carry GitHub-style rate-limit headers', async () => {
    const res = await gh('GET', '/user');
    expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  test('the request log has method, path, query, body and status, but never the token', async () => {
    const issue = double.addIssue(REPO, { title: 'Logged' });
    await gh('POST', `/repos/acme/app/issues/${issue.number}/comments?x=1`, { body: 'logged' });
    const last = double.requests.at(-1);
    expect(last).toMatchObject({
      method: 'POST',
      path: `/repos/acme/app/issues/${issue.number}/comments`,
      query: { x: '1' },
      body: { body: 'logged' },
      status: 201,
      operationId: 'issues/create-comment',
    });
    expect(JSON.stringify(double.requests)).not.toContain(TOKEN);
    expect(JSON.stringify(double.requests).toLowerCase()).not.toContain('authorization');
  });

  test("every operation was served above, and no answer violated GitHub's OpenAPI description", async () => {
    expect((await gh<unknown[]>('GET', '/repos/acme/app/pulls?state=all')).body.length).toBeGreaterThan(0);
    expect(new Set(double.requests.map((r) => r.operationId))).toEqual(
      new Set([
        'users/get-authenticated',
        'repos/get',
        'issues/get',
        'issues/update',
        'issues/add-labels',
        'issues/remove-label',
        'issues/list-comments',
        'issues/create-comment',
        'issues/update-comment',
        'pulls/list',
        'pulls/create',
        'pulls/get',
        'pulls/update',
      ]),
    );
    expect(double.problems).toEqual([]);
  });
});

describe('GitHub double: errors as GitHub sends them', () => {
  let double: GitHubDouble;
  let gh: ReturnType<typeof client>;
  useDouble({ each: false, strict: false }, (started) => {
    double = started;
    gh = client(started);
  });

  test('no token or an unknown one is a 401 with GitHub body', async () => {
    const none = await client(double, null)('GET', '/repos/acme/app');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      message: 'Requires authentication',
      documentation_url: expect.stringContaining('https://docs.github.com/rest'),
      status: '401',
    });
    const wrong = await client(double, 'token nope')('GET', '/user');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ message: 'Bad credentials', status: '401' });
    double.assertNoProblems();
  });

  test('an unknown repository, issue or pull is a 404 with GitHub body', async () => {
    const repo = await gh('GET', '/repos/acme/nope');
    expect(repo.status).toBe(404);
    expect(repo.body).toEqual({ message: 'Not Found', documentation_url: expect.any(String), status: '404' });
    expect((await gh('GET', '/repos/acme/app/issues/404')).status).toBe(404);
    expect((await gh('GET', '/repos/acme/app/pulls/404')).status).toBe(404);
    expect((await gh('POST', '/repos/acme/app/issues/404/comments', { body: 'x' })).status).toBe(404);
    expect((await gh('PATCH', '/repos/acme/app/issues/comments/404', { body: 'x' })).status).toBe(404);
    // An unknown repository hides everything else, even a body that would be invalid.
    expect((await gh('POST', '/repos/acme/nope/pulls', { nonsense: true })).status).toBe(404);
    const issue = double.addIssue(REPO, { title: 'No such label' });
    const label = await gh('DELETE', `/repos/acme/app/issues/${issue.number}/labels/nope`);
    expect(label.status).toBe(404);
    expect(label.body).toMatchObject({ message: 'Label does not exist', status: '404' });
    double.assertNoProblems();
  });

  test('a second open pull for the same head and base is a 422 naming the existing one', async () => {
    const first = await gh<Numbered>('POST', '/repos/acme/app/pulls', { title: 'One', head: 'dup', base: 'main' });
    expect(first.status).toBe(201);
    const second = await gh('POST', '/repos/acme/app/pulls', { title: 'Two', head: 'dup', base: 'main' });
    expect(second.status).toBe(422);
    expect(second.body).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:dup.' }],
      status: '422',
    });
    // Once the first is closed, the same head may be proposed again.
    await gh('PATCH', `/repos/acme/app/pulls/${first.body.number}`, { state: 'closed' });
    expect((await gh('POST', '/repos/acme/app/pulls', { title: 'Three', head: 'acme:dup', base: 'main' })).status).toBe(201);
    double.assertNoProblems();
  });

  test('a pull whose head is its base is a 422', async () => {
    const res = await gh<Failure>('POST', '/repos/acme/app/pulls', { title: 'Nothing', head: 'main', base: 'main' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]?.message).toBe('No commits between main and main');
    double.assertNoProblems();
  });

  test('an unmatched route is a 404 and a problem', async () => {
    const res = await gh('GET', '/repos/acme/app/branches');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ message: 'Not Found', status: '404' });
    expect(double.problems).toEqual(['GET /repos/acme/app/branches: no route of the GitHub double matches']);
    expect(() => double.assertNoProblems()).toThrow(/1 problem\(s\):\n- GET \/repos\/acme\/app\/branches: no route/);
    double.problems.length = 0;
  });

  test('a request body that violates the operation schema is a 422 and a problem', async () => {
    const issue = double.addIssue(REPO, { title: 'Bad body' });
    const res = await gh('POST', `/repos/acme/app/issues/${issue.number}/comments`, { text: 'wrong key' });
    expect(res.status).toBe(422);
    expect(double.problems).toHaveLength(1);
    expect(double.problems[0]).toMatch(/^issues\/create-comment POST .*request body violates the schema: .*body/);
    expect(double.issueComments(REPO, issue.number)).toEqual([]);
    double.problems.length = 0;
  });
});

describe('GitHub double: scripted failures and hooks', () => {
  let double: GitHubDouble;
  let gh: ReturnType<typeof client>;
  useDouble({ each: true, strict: true }, (started) => {
    double = started;
    gh = client(started);
  });

  test('failNext answers the next matching request with the reply, then the real one', async () => {
    double.failNext({ method: 'POST', path: '/repos/{owner}/{repo}/pulls' }, { status: 502, body: { message: 'Server Error' } });
    const body = { title: 'Retry me', head: 'retry', base: 'main' };
    const failed = await gh('POST', '/repos/acme/app/pulls', body);
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual({ message: 'Server Error' });
    expect(double.pulls(REPO)).toEqual([]);
    expect((await gh('POST', '/repos/acme/app/pulls', body)).status).toBe(201);
    expect(double.requests.map((r) => r.status)).toEqual([502, 201]);
  });

  test('failNext with a rate-limit reply sends its headers, `times` times, and matches RegExps', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 60);
    double.failNext(
      { method: 'GET', path: /^\/repos\/acme\/app\/issues\/\d+$/ },
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'retry-after': '1' },
        body: {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: '403',
        },
      },
      2,
    );
    const issue = double.addIssue(REPO, { title: 'Limited' });
    for (let i = 0; i < 2; i++) {
      const res = await gh<Failure>('GET', `/repos/acme/app/issues/${issue.number}`);
      expect(res.status).toBe(403);
      expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(res.headers.get('x-ratelimit-reset')).toBe(reset);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body.message).toMatch(/^API rate limit exceeded/);
    }
    expect((await gh('GET', `/repos/acme/app/issues/${issue.number}`)).status).toBe(200);
    expect((await gh('GET', '/repos/acme/app')).status).toBe(200);
  });

  test('onAfter runs once the response is sent, with the request and the response body', async () => {
    const seen: Array<{ path: string; status: number; number: unknown; pullsInState: number }> = [];
    double.onAfter({ method: 'POST', path: '/repos/{owner}/{repo}/pulls' }, (req, res) => {
      seen.push({
        path: req.path,
        status: res.status,
        number: (res.body as { number: number }).number,
        pullsInState: double.pulls(REPO).length,
      });
    });
    double.failNext({ method: 'POST', path: '/repos/acme/app/pulls' }, { status: 502 });
    const body = { title: 'Hooked', head: 'hooked', base: 'main' };
    expect((await gh('POST', '/repos/acme/app/pulls', body)).status).toBe(502);
    expect(seen).toEqual([]); // not after a failure
    const created = await gh<Numbered>('POST', '/repos/acme/app/pulls', body);
    expect(created.status).toBe(201);
    expect(seen).toEqual([{ path: '/repos/acme/app/pulls', status: 201, number: created.body.number, pullsInState: 1 }]);
    await gh('GET', '/repos/acme/app/pulls');
    expect(seen).toHaveLength(1);
  });

  test('an onAfter callback that throws is a problem, not a crash', async () => {
    double.onAfter({ method: 'GET', path: '/user' }, () => {
      throw new Error('boom');
    });
    expect((await gh('GET', '/user')).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(double.problems).toEqual(['onAfter GET /user: the callback threw: boom']);
    double.problems.length = 0;
  });
});

describe('GitHub OpenAPI contract', () => {
  const contract = loadGitHubOpenApi();
  let double: GitHubDouble;
  let pull: Record<string, unknown>;

  beforeAll(async () => {
    double = await start();
    const created = await client(double)<Record<string, unknown>>('POST', '/repos/acme/app/pulls', {
      title: 'Valid',
      head: 'valid',
      base: 'main',
    });
    pull = created.body;
    double.assertNoProblems();
  });
  afterAll(async () => {
    await double.close();
  });

  test('finds operations by path template and method', () => {
    expect(contract.operationId('/repos/{owner}/{repo}/pulls', 'POST')).toBe('pulls/create');
    expect(contract.operationId('/repos/{owner}/{repo}/issues/comments/{comment_id}', 'patch')).toBe('issues/update-comment');
    expect(contract.operationId('/repos/{owner}/{repo}/nothing', 'GET')).toBeUndefined();
  });

  test("the double's pull is valid, and wrong ones are not", () => {
    const check = (body: unknown): string[] => contract.checkResponse('/repos/{owner}/{repo}/pulls', 'POST', 201, body);
    expect(check(pull)).toEqual([]);
    expect(check({ ...pull, number: '7' })).toEqual([expect.stringMatching(/^\/number must be integer/)]);
    const { head: _head, ...headless } = pull;
    expect(check(headless)).toEqual([expect.stringMatching(/^\(root\) must have required property 'head'/)]);
    expect(check({ ...pull, user: null })).not.toEqual([]);
  });

  test('OpenAPI 3.0 nullable fields accept null and their type, nothing else', () => {
    const check = (body: unknown): string[] => contract.checkResponse('/repos/{owner}/{repo}/pulls/{pull_number}', 'GET', 200, body);
    expect(check({ ...pull, body: null, closed_at: null, auto_merge: null, milestone: null })).toEqual([]);
    expect(check({ ...pull, body: 5 })).not.toEqual([]);
    expect(check({ ...pull, active_lock_reason: null })).toEqual([]);
  });

  test('error responses are checked against their shared components', () => {
    const check = (status: number, body: unknown): string[] => contract.checkResponse('/repos/{owner}/{repo}/pulls', 'POST', status, body);
    expect(check(422, { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest', errors: [] })).toEqual([]);
    expect(check(422, { message: 'Validation Failed' })).toEqual([expect.stringContaining("required property 'documentation_url'")]);
    expect(check(599, { anything: true })).toEqual([]); // not described: nothing to check
  });

  test('request bodies are checked against the requestBody schema', () => {
    expect(contract.checkRequest('/repos/{owner}/{repo}/pulls', 'POST', { title: 't', head: 'h', base: 'main' })).toEqual([]);
    expect(contract.checkRequest('/repos/{owner}/{repo}/pulls', 'POST', { title: 't', head: 'h' })).toEqual([
      expect.stringContaining("required property 'base'"),
    ]);
    expect(contract.checkRequest('/repos/{owner}/{repo}/pulls/{pull_number}', 'PATCH', { state: 'merged' })).not.toEqual([]);
  });

  test('a response from the double that violates the schema is recorded as a problem', async () => {
    double.failNext({ method: 'POST', path: '/repos/{owner}/{repo}/pulls' }, { status: 201, body: { ...pull, number: '7' } });
    const res = await client(double)('POST', '/repos/acme/app/pulls', { title: 'x', head: 'y', base: 'main' });
    expect(res.status).toBe(201);
    expect(double.problems).toEqual([
      expect.stringMatching(/^pulls\/create POST \/repos\/acme\/app\/pulls → 201: response violates the schema: \/number must be integer/),
    ]);
    expect(() => double.assertNoProblems()).toThrow(/number must be integer/);
    double.problems.length = 0;
  });
});

import type { DoublePull, RepoState } from '../resources.js';
import { timestamp } from '../resources.js';
import { error, paginate, validationFailed, type Route, type RouteHost } from '../routing.js';

const DOCS = 'https://docs.github.com/rest/pulls/pulls';

const alreadyExists = (docs: string, repo: RepoState, head: string) =>
  validationFailed(docs, [
    { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` },
  ]);

const noCommitsBetween = (docs: string, base: string, head: string) =>
  validationFailed(docs, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);

/** Pull requests: listing (filtered, sorted, paged), opening, reading and editing, with GitHub's 422s. */
export function pullRoutes(host: RouteHost): Route[] {
  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls',
      docs: `${DOCS}#list-pull-requests`,
      handle: ({ repo, query, path }) => {
        const state = query.state ?? 'open';
        if (!['open', 'closed', 'all'].includes(state)) {
          return validationFailed(`${DOCS}#list-pull-requests`, [{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
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
        const page = paginate(pulls, query, host.url, path);
        return {
          status: 200,
          body: page.items.map((p) => host.json.pull(repo, p, { simple: true })),
          headers: page.headers,
        };
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/pulls',
      docs: `${DOCS}#create-a-pull-request`,
      handle: ({ repo, body }) => {
        const docs = `${DOCS}#create-a-pull-request`;
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
        if (head === input.base) return noCommitsBetween(docs, input.base, head);
        const existing = [...repo.pulls.values()].find((p) => p.state === 'open' && p.head === head && p.base === input.base);
        if (existing) return alreadyExists(docs, repo, head);
        const pull = host.createPull(repo, {
          title: input.title,
          head,
          base: input.base,
          draft: input.draft ?? false,
          ...(input.body !== undefined ? { body: input.body } : {}),
        });
        const json = host.json.pull(repo, pull, { fresh: true });
        return { status: 201, body: json, headers: { location: json.url as string } };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}',
      docs: `${DOCS}#get-a-pull-request`,
      handle: ({ repo, params }) => {
        const pull = repo.pulls.get(Number(params.pull_number));
        if (!pull) return error(404, 'Not Found', `${DOCS}#get-a-pull-request`);
        return { status: 200, body: host.json.pull(repo, pull) };
      },
    },
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}',
      docs: `${DOCS}#update-a-pull-request`,
      handle: ({ repo, params, body }) => {
        const docs = `${DOCS}#update-a-pull-request`;
        const pull = repo.pulls.get(Number(params.pull_number));
        // GitHub answers 404 here although the description lists no 404 for pulls/update.
        if (!pull) return error(404, 'Not Found', docs);
        const input = (body ?? {}) as { title?: string; body?: string; state?: 'open' | 'closed'; base?: string };
        const base = input.base ?? pull.base;
        if (input.state === 'open' && pull.state === 'closed') {
          const other = [...repo.pulls.values()].find((p) => p !== pull && p.state === 'open' && p.head === pull.head && p.base === base);
          if (other) return alreadyExists(docs, repo, pull.head);
        }
        if (base === pull.head) return noCommitsBetween(docs, base, pull.head);
        const now = timestamp();
        if (input.title !== undefined) pull.title = input.title;
        if (input.body !== undefined) pull.body = input.body;
        pull.base = base;
        if (input.state !== undefined && input.state !== pull.state) {
          pull.state = input.state;
          pull.closedAt = input.state === 'closed' ? now : null;
        }
        pull.updatedAt = now;
        return { status: 200, body: host.json.pull(repo, pull) };
      },
    },
  ];
}

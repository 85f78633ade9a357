import type { DoubleComment, DoubleIssue, DoublePull, Json, RepoState } from './resources.js';

// What a route of the GitHub double is, and the pieces of GitHub's HTTP behaviour every route shares:
// its error bodies, path templates, and pagination with Link headers.

export const DOCS = 'https://docs.github.com/rest';

/** A request to match: a method, and a path template, a concrete path, or a RegExp tested on the path. */
export interface RequestMatch {
  method: string;
  /** A path with `{param}` placeholders (`/repos/{owner}/{repo}/pulls`), a concrete path, or a RegExp tested on the path. */
  path: string | RegExp;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  repo: RepoState;
  /** Path and query of this request, for Link headers. */
  path: string;
}

export interface Route {
  method: string;
  /** As in GitHub's OpenAPI description (and its `paths` key). */
  template: string;
  /** Where GitHub's error bodies point for this operation. */
  docs: string;
  handle(ctx: RouteContext): Reply;
}

/** What routes need of the double that serves them: its JSON, its user, and the writes they share. */
export interface RouteHost {
  readonly url: string;
  readonly login: string;
  readonly json: Json;
  addComment(repo: RepoState, issueNumber: number, body: string, user: string): DoubleComment;
  createPull(repo: RepoState, pull: { title: string; body?: string; head: string; base: string; draft?: boolean }): DoublePull;
}

export const error = (status: number, message: string, docs = DOCS): Reply => ({
  status,
  body: { message, documentation_url: docs, status: String(status) },
});

export const validationFailed = (docs: string, errors: Array<Record<string, unknown>>): Reply => ({
  status: 422,
  body: { message: 'Validation Failed', errors, documentation_url: docs, status: '422' },
});

/**
 * A route under `/repos/{owner}/{repo}/issues/{issue_number}`: `handle` gets the issue or pull request
 * it names (on GitHub every pull request is an issue too); there being none is a 404 pointing at `docs`.
 */
export function issueRoute(route: Omit<Route, 'handle'>, handle: (item: DoubleIssue | DoublePull, ctx: RouteContext) => Reply): Route {
  return {
    ...route,
    handle: (ctx) => {
      const n = Number(ctx.params.issue_number);
      const item = ctx.repo.issues.get(n) ?? ctx.repo.pulls.get(n);
      return item ? handle(item, ctx) : error(404, 'Not Found', route.docs);
    },
  };
}

/** `{name}` placeholders become segments; for routes, numeric params (`*_number`, `*_id`) only match digits. */
export function templatePattern(template: string, route: boolean): RegExp {
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

const escapeRegExp = (text: string): string => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

export function matches(match: RequestMatch, method: string, path: string): boolean {
  if (match.method.toUpperCase() !== method) return false;
  return typeof match.path === 'string' ? templatePattern(match.path, false).test(path) : match.path.test(path);
}

/** `per_page` (default 30, max 100) and `page`, with GitHub's Link header (prev, next, last, first). */
export function paginate<T>(
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

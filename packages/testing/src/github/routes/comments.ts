import { timestamp } from '../resources.js';
import { error, issueRoute, paginate, type Route, type RouteHost } from '../routing.js';

const DOCS = 'https://docs.github.com/rest/issues/comments';

/** Comments on an issue or pull request: listing (with `since` and pages), posting, editing. */
export function commentRoutes(host: RouteHost): Route[] {
  return [
    issueRoute(
      {
        method: 'GET',
        template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        docs: `${DOCS}#list-issue-comments`,
      },
      (item, { repo, query, path }) => {
        let comments = repo.comments.get(item.number) ?? [];
        const since = query.since === undefined ? NaN : Date.parse(query.since);
        if (!Number.isNaN(since)) comments = comments.filter((c) => Date.parse(c.updatedAt) >= since);
        const page = paginate(comments, query, host.url, path);
        return { status: 200, body: page.items.map((c) => host.json.comment(repo, c)), headers: page.headers };
      },
    ),
    issueRoute(
      {
        method: 'POST',
        template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        docs: `${DOCS}#create-an-issue-comment`,
      },
      (item, { repo, body }) => {
        const comment = host.addComment(repo, item.number, (body as { body: string }).body, host.login);
        const json = host.json.comment(repo, comment);
        return { status: 201, body: json, headers: { location: json.url as string } };
      },
    ),
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      docs: `${DOCS}#update-an-issue-comment`,
      handle: ({ repo, params, body }) => {
        const id = Number(params.comment_id);
        const comment = [...repo.comments.values()].flat().find((c) => c.id === id);
        if (!comment) return error(404, 'Not Found', `${DOCS}#update-an-issue-comment`);
        comment.body = (body as { body: string }).body;
        comment.updatedAt = timestamp();
        return { status: 200, body: host.json.comment(repo, comment) };
      },
    },
  ];
}

import type { DoubleIssue } from '../resources.js';
import { timestamp } from '../resources.js';
import { error, issueRoute, type Route, type RouteHost } from '../routing.js';

/** Label names from a request, given as names or as `{ name }` objects. */
const labelNames = (labels: Array<string | { name?: string }>): string[] =>
  labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((name) => name !== '');

/** An issue (or the issue side of a pull request): reading it, editing it, and its labels. */
export function issueRoutes(host: RouteHost): Route[] {
  const removeLabelDocs = 'https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue';
  return [
    issueRoute(
      {
        method: 'GET',
        template: '/repos/{owner}/{repo}/issues/{issue_number}',
        docs: 'https://docs.github.com/rest/issues/issues#get-an-issue',
      },
      (item, { repo }) => ({ status: 200, body: host.json.issue(repo, item) }),
    ),
    issueRoute(
      {
        method: 'PATCH',
        template: '/repos/{owner}/{repo}/issues/{issue_number}',
        docs: 'https://docs.github.com/rest/issues/issues#update-an-issue',
      },
      (item, { repo, body }) => {
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
        return { status: 200, body: host.json.issue(repo, item) };
      },
    ),
    issueRoute(
      {
        method: 'POST',
        template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
        docs: 'https://docs.github.com/rest/issues/labels#add-labels-to-an-issue',
      },
      (item, { repo, body }) => {
        const input = body as Array<string | { name?: string }> | { labels?: Array<string | { name?: string }> };
        for (const name of labelNames(Array.isArray(input) ? input : (input.labels ?? []))) {
          if (!item.labels.includes(name)) item.labels.push(name);
        }
        item.updatedAt = timestamp();
        return { status: 200, body: item.labels.map((name) => host.json.label(repo, name)) };
      },
    ),
    issueRoute(
      { method: 'DELETE', template: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', docs: removeLabelDocs },
      (item, { repo, params }) => {
        const index = item.labels.indexOf(params.name!);
        if (index === -1) return error(404, 'Label does not exist', removeLabelDocs);
        item.labels.splice(index, 1);
        item.updatedAt = timestamp();
        return { status: 200, body: item.labels.map((name) => host.json.label(repo, name)) };
      },
    ),
  ];
}

import type { Route, RouteHost } from '../routing.js';

/** The authenticated user and the repository: what a client reads before anything else. */
export function repoRoutes(host: RouteHost): Route[] {
  return [
    {
      method: 'GET',
      template: '/user',
      docs: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
      handle: () => ({ status: 200, body: host.json.authenticatedUser(host.login) }),
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}',
      docs: 'https://docs.github.com/rest/repos/repos#get-a-repository',
      handle: ({ repo }) => ({ status: 200, body: host.json.repository(repo, true) }),
    },
  ];
}

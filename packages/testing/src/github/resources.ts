import { createHash } from 'node:crypto';

/**
 * The double's state and the JSON GitHub sends for it. Objects carry every field the OpenAPI
 * description requires (and the common optional ones), so clients see what GitHub would send.
 */

export interface DoubleComment {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  user: string;
  readonly createdAt: string;
  updatedAt: string;
}

export interface DoubleIssue {
  readonly number: number;
  readonly id: number;
  title: string;
  body: string | null;
  labels: string[];
  state: 'open' | 'closed';
  /** Why it was closed (or `reopened`); null while it never was. */
  stateReason: 'completed' | 'not_planned' | 'duplicate' | 'reopened' | null;
  user: string;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface DoublePull {
  readonly number: number;
  readonly id: number;
  title: string;
  body: string | null;
  /** Branch name in the same repository. */
  head: string;
  base: string;
  draft: boolean;
  labels: string[];
  state: 'open' | 'closed';
  merged: boolean;
  user: string;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** `<url>/owner/name/pull/<number>`. */
  readonly htmlUrl: string;
}

export interface RepoState {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  readonly id: number;
  readonly createdAt: string;
  readonly issues: Map<number, DoubleIssue>;
  readonly pulls: Map<number, DoublePull>;
  /** Comments by issue (or pull) number, oldest first. */
  readonly comments: Map<number, DoubleComment[]>;
  readonly labelIds: Map<string, number>;
  lastNumber: number;
}

/** Ids and clock shared by every object one double serves. */
export class Ids {
  private next = 1000;
  private readonly users = new Map<string, number>();

  id(): number {
    return this.next++;
  }

  userId(login: string): number {
    let id = this.users.get(login.toLowerCase());
    if (id === undefined) {
      id = this.id();
      this.users.set(login.toLowerCase(), id);
    }
    return id;
  }
}

/** GitHub's timestamps have second precision: `2011-01-26T19:01:12Z`. */
export const timestamp = (date = new Date()): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A stable fake commit sha for a branch, so the same branch always reports the same head. */
export const shaFor = (text: string): string => createHash('sha1').update(text).digest('hex');

const nodeId = (prefix: string, id: number): string => `${prefix}_kwDO${Buffer.from(String(id)).toString('base64').replace(/=+$/, '')}`;

export class Json {
  constructor(
    private readonly url: string,
    private readonly ids: Ids,
  ) {}

  user(login: string): Record<string, unknown> {
    const id = this.ids.userId(login);
    const api = `${this.url}/users/${login}`;
    return {
      login,
      id,
      node_id: nodeId('U', id),
      avatar_url: `${this.url}/avatars/u/${id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: `${this.url}/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: 'User',
      user_view_type: 'public',
      site_admin: false,
    };
  }

  /** GET /user: the token's owner, with the private fields GitHub shows to the user themself. */
  authenticatedUser(login: string): Record<string, unknown> {
    const created = timestamp(new Date(Date.UTC(2020, 0, 1)));
    return {
      ...this.user(login),
      user_view_type: 'private',
      name: login,
      company: null,
      blog: '',
      location: null,
      email: null,
      hireable: null,
      bio: null,
      twitter_username: null,
      notification_email: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: created,
      updated_at: created,
      private_gists: 0,
      total_private_repos: 0,
      owned_private_repos: 0,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
    };
  }

  /** `repository` (inside pulls); `full` adds the fields of `full-repository` (GET /repos/{owner}/{repo}). */
  repository(repo: RepoState, full = false): Record<string, unknown> {
    const api = `${this.url}/repos/${repo.owner}/${repo.name}`;
    const openIssues = [...repo.issues.values(), ...repo.pulls.values()].filter((i) => i.state === 'open').length;
    const host = new URL(this.url).host;
    const json: Record<string, unknown> = {
      id: repo.id,
      node_id: nodeId('R', repo.id),
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      private: repo.private,
      owner: this.user(repo.owner),
      html_url: `${this.url}/${repo.owner}/${repo.name}`,
      description: null,
      fork: false,
      url: api,
      forks_url: `${api}/forks`,
      keys_url: `${api}/keys{/key_id}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      teams_url: `${api}/teams`,
      hooks_url: `${api}/hooks`,
      issue_events_url: `${api}/issues/events{/number}`,
      events_url: `${api}/events`,
      assignees_url: `${api}/assignees{/user}`,
      branches_url: `${api}/branches{/branch}`,
      tags_url: `${api}/tags`,
      blobs_url: `${api}/git/blobs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      trees_url: `${api}/git/trees{/sha}`,
      statuses_url: `${api}/statuses/{sha}`,
      languages_url: `${api}/languages`,
      stargazers_url: `${api}/stargazers`,
      contributors_url: `${api}/contributors`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      commits_url: `${api}/commits{/sha}`,
      git_commits_url: `${api}/git/commits{/sha}`,
      comments_url: `${api}/comments{/number}`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      contents_url: `${api}/contents/{+path}`,
      compare_url: `${api}/compare/{base}...{head}`,
      merges_url: `${api}/merges`,
      archive_url: `${api}/{archive_format}{/ref}`,
      downloads_url: `${api}/downloads`,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      labels_url: `${api}/labels{/name}`,
      releases_url: `${api}/releases{/id}`,
      deployments_url: `${api}/deployments`,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      pushed_at: repo.createdAt,
      git_url: `git://${host}/${repo.owner}/${repo.name}.git`,
      ssh_url: `git@${host}:${repo.owner}/${repo.name}.git`,
      clone_url: `${this.url}/${repo.owner}/${repo.name}.git`,
      svn_url: `${this.url}/${repo.owner}/${repo.name}`,
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: true,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: openIssues,
      license: null,
      allow_forking: true,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: repo.private ? 'private' : 'public',
      forks: 0,
      open_issues: openIssues,
      watchers: 0,
      default_branch: repo.defaultBranch,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    };
    if (full) {
      Object.assign(json, {
        allow_squash_merge: true,
        allow_merge_commit: true,
        allow_rebase_merge: true,
        allow_auto_merge: false,
        delete_branch_on_merge: false,
        allow_update_branch: false,
        use_squash_pr_title_as_default: false,
        squash_merge_commit_message: 'COMMIT_MESSAGES',
        squash_merge_commit_title: 'COMMIT_OR_PR_TITLE',
        merge_commit_message: 'PR_TITLE',
        merge_commit_title: 'MERGE_MESSAGE',
        temp_clone_token: '',
        network_count: 0,
        subscribers_count: 0,
      });
    }
    return json;
  }

  label(repo: RepoState, name: string): Record<string, unknown> {
    let id = repo.labelIds.get(name);
    if (id === undefined) {
      id = this.ids.id();
      repo.labelIds.set(name, id);
    }
    return {
      id,
      node_id: nodeId('LA', id),
      url: `${this.url}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
      name,
      color: shaFor(name).slice(0, 6),
      default: false,
      description: null,
    };
  }

  private association(repo: RepoState, login: string): string {
    return login.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'NONE';
  }

  /** An issue, or the issue side of a pull request (with the `pull_request` key), as GET issues/{n} sends it. */
  issue(repo: RepoState, item: DoubleIssue | DoublePull): Record<string, unknown> {
    const api = `${this.url}/repos/${repo.owner}/${repo.name}`;
    const issueApi = `${api}/issues/${item.number}`;
    const isPull = repo.pulls.has(item.number) && 'head' in item;
    const json: Record<string, unknown> = {
      url: issueApi,
      repository_url: api,
      labels_url: `${issueApi}/labels{/name}`,
      comments_url: `${issueApi}/comments`,
      events_url: `${issueApi}/events`,
      html_url: `${this.url}/${repo.owner}/${repo.name}/${isPull ? 'pull' : 'issues'}/${item.number}`,
      id: item.id,
      node_id: nodeId(isPull ? 'PR' : 'I', item.id),
      number: item.number,
      title: item.title,
      user: this.user(item.user),
      labels: item.labels.map((name) => this.label(repo, name)),
      state: item.state,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: repo.comments.get(item.number)?.length ?? 0,
      created_at: item.createdAt,
      updated_at: item.updatedAt,
      closed_at: item.closedAt,
      author_association: this.association(repo, item.user),
      active_lock_reason: null,
      body: item.body,
      closed_by: null,
      timeline_url: `${issueApi}/timeline`,
      performed_via_github_app: null,
      state_reason: 'stateReason' in item ? item.stateReason : null,
      reactions: this.reactions(`${issueApi}/reactions`),
    };
    if (isPull) {
      const pull = item;
      json.draft = pull.draft;
      json.pull_request = {
        url: `${api}/pulls/${item.number}`,
        html_url: pull.htmlUrl,
        diff_url: `${pull.htmlUrl}.diff`,
        patch_url: `${pull.htmlUrl}.patch`,
        merged_at: pull.merged ? pull.closedAt : null,
      };
    }
    return json;
  }

  comment(repo: RepoState, comment: DoubleComment): Record<string, unknown> {
    const api = `${this.url}/repos/${repo.owner}/${repo.name}`;
    const kind = repo.pulls.has(comment.issueNumber) ? 'pull' : 'issues';
    return {
      id: comment.id,
      node_id: nodeId('IC', comment.id),
      url: `${api}/issues/comments/${comment.id}`,
      html_url: `${this.url}/${repo.owner}/${repo.name}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
      body: comment.body,
      user: this.user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      issue_url: `${api}/issues/${comment.issueNumber}`,
      author_association: this.association(repo, comment.user),
      performed_via_github_app: null,
      reactions: this.reactions(`${api}/issues/comments/${comment.id}/reactions`),
    };
  }

  /**
   * `pull-request` (GET/POST/PATCH of one pull) or, with `simple`, `pull-request-simple` (the list).
   * `fresh`: just created, so GitHub has not computed mergeability yet.
   */
  pull(repo: RepoState, pull: DoublePull, options: { simple?: boolean; fresh?: boolean } = {}): Record<string, unknown> {
    const api = `${this.url}/repos/${repo.owner}/${repo.name}`;
    const self = `${api}/pulls/${pull.number}`;
    const repository = this.repository(repo);
    const branch = (ref: string): Record<string, unknown> => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha: shaFor(`${repo.owner}/${repo.name}:${ref}`),
      user: this.user(repo.owner),
      repo: repository,
    });
    const json: Record<string, unknown> = {
      url: self,
      id: pull.id,
      node_id: nodeId('PR', pull.id),
      html_url: pull.htmlUrl,
      diff_url: `${pull.htmlUrl}.diff`,
      patch_url: `${pull.htmlUrl}.patch`,
      issue_url: `${api}/issues/${pull.number}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: this.user(pull.user),
      body: pull.body,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.merged ? pull.closedAt : null,
      merge_commit_sha: pull.merged ? shaFor(`merge:${pull.id}`) : null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      labels: pull.labels.map((name) => this.label(repo, name)),
      milestone: null,
      draft: pull.draft,
      commits_url: `${self}/commits`,
      review_comments_url: `${self}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${pull.number}/comments`,
      statuses_url: `${api}/statuses/${shaFor(`${repo.owner}/${repo.name}:${pull.head}`)}`,
      head: branch(pull.head),
      base: branch(pull.base),
      _links: {
        self: { href: self },
        html: { href: pull.htmlUrl },
        issue: { href: `${api}/issues/${pull.number}` },
        comments: { href: `${api}/issues/${pull.number}/comments` },
        review_comments: { href: `${self}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${self}/commits` },
        statuses: { href: `${api}/statuses/${shaFor(`${repo.owner}/${repo.name}:${pull.head}`)}` },
      },
      author_association: this.association(repo, pull.user),
      auto_merge: null,
      active_lock_reason: null,
    };
    if (!options.simple) {
      const mergeable = options.fresh || pull.state === 'closed' ? null : true;
      Object.assign(json, {
        merged: pull.merged,
        mergeable,
        rebaseable: mergeable,
        mergeable_state: mergeable === null ? 'unknown' : pull.draft ? 'draft' : 'clean',
        merged_by: null,
        comments: repo.comments.get(pull.number)?.length ?? 0,
        review_comments: 0,
        maintainer_can_modify: false,
        commits: 1,
        additions: 0,
        deletions: 0,
        changed_files: 0,
      });
    }
    return json;
  }

  private reactions(url: string): Record<string, unknown> {
    return {
      url,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      confused: 0,
      heart: 0,
      hooray: 0,
      eyes: 0,
      rocket: 0,
    };
  }
}

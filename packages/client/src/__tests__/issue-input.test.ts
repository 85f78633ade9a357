import { resolveConfig } from '@aidp/config';
import { buildIssueToPrInput, repoFromRemoteUrl } from '@aidp/client';
import { createFixtureProject } from '@aidp/testing';

describe('the repository of an issue run', () => {
  it.each([
    ['https://github.com/acme/widgets.git', 'acme/widgets'],
    ['https://github.com/acme/widgets', 'acme/widgets'],
    ['https://x-access-token@github.com/acme/widgets.git', 'acme/widgets'],
    ['git@github.com:acme/widgets.git', 'acme/widgets'],
    ['ssh://git@github.example.com:2222/acme/widgets.git', 'acme/widgets'],
    ['https://github.example.com/acme/widgets/', 'acme/widgets'],
  ])('is read from the origin URL %s', (url, repo) => {
    expect(repoFromRemoteUrl(url)).toBe(repo);
  });

  it('is not guessed from a local path', () => {
    expect(repoFromRemoteUrl('/srv/git/widgets.git')).toBeUndefined();
  });

  it('comes from the flag, then github.repo, then the origin remote, and says what to do otherwise', () => {
    const project = createFixtureProject();
    const config = (raw: Record<string, unknown> = {}) => resolveConfig({ agent: { command: ['my-agent'] }, ...raw }, { env: {} }).config;
    expect(() => buildIssueToPrInput(config(), { issueNumber: 1, projectDir: project.dir })).toThrow(
      /has no origin remote; give the repository with --repo/,
    );
    project.git('remote', 'add', 'origin', 'git@github.com:acme/from-origin.git');
    expect(buildIssueToPrInput(config(), { issueNumber: 1, projectDir: project.dir }).github.repo).toBe('acme/from-origin');
    expect(
      buildIssueToPrInput(config({ github: { repo: 'acme/from-config' } }), { issueNumber: 1, projectDir: project.dir }).github.repo,
    ).toBe('acme/from-config');
    expect(
      buildIssueToPrInput(config({ github: { repo: 'acme/from-config' } }), { issueNumber: 1, projectDir: project.dir, repo: 'acme/flag' })
        .github.repo,
    ).toBe('acme/flag');
  });

  it('carries names and URLs only: the token stays in the worker', () => {
    const input = buildIssueToPrInput(
      resolveConfig({ github: { repo: 'acme/widgets', token_env: 'MY_GH' }, agent: { command: ['my-agent'] } }, { env: {} }).config,
      { issueNumber: 5, projectDir: '/tmp/p' },
    );
    expect(input.github).toEqual({ repo: 'acme/widgets', baseUrl: 'https://api.github.com', tokenEnv: 'MY_GH' });
    expect(input.draft).toBe(true);
    expect(input.maxDepth).toBe(3);
    expect(() =>
      buildIssueToPrInput(resolveConfig({ github: { repo: 'acme/widgets' }, agent: { command: ['my-agent'] } }, { env: {} }).config, {
        issueNumber: 0,
        projectDir: '/tmp/p',
      }),
    ).toThrow(/positive integer/);
  });
});

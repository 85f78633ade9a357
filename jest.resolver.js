// octokit and the packages it pulls in ship only ES modules, and some export only an `import`
// condition. Jest's module registry is CommonJS: for these packages the `import` entry is accepted too,
// and jest.config.js down-levels them with swc on the way in. (Node itself loads them with require(esm).)
const ESM_ONLY = [
  'octokit',
  '@octokit',
  'universal-user-agent',
  'universal-github-app-jwt',
  'before-after-hook',
  'content-type',
  'fast-content-type-parse',
  'json-with-bigint',
  'toad-cache',
];
const esmOnly = new RegExp(`^(${ESM_ONLY.join('|')})(/|$)`);

/**
 * @typedef {{ defaultResolver: (request: string, options: ResolverOptions) => string; conditions?: string[] }} ResolverOptions
 *   What this resolver uses of the options jest passes to a custom resolver.
 */

/**
 * @param {string} request
 * @param {ResolverOptions} options
 * @returns {string}
 */
function resolver(request, options) {
  if (!esmOnly.test(request)) return options.defaultResolver(request, options);
  return options.defaultResolver(request, { ...options, conditions: ['node', 'import', 'default'] });
}
resolver.ESM_ONLY = ESM_ONLY;
module.exports = resolver;

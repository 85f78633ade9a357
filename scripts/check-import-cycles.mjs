#!/usr/bin/env node
// Fails when modules of a package import each other in a circle — type-only imports and re-exports
// included, since a circle of types is still a circle of ideas. Within a package, modules form layers
// (the workflows' contracts: shared values → activity contracts → workflow inputs and results →
// signals and queries) and import only downward. Run by `pnpm run lint`.
//
// Usage: node scripts/check-import-cycles.mjs [root]   (default: the repository)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/**
 * The source files of one package, tests left out (they import what they test, never the reverse).
 * @param {string} dir
 * @returns {string[]}
 */
function sources(dir) {
  /** @type {string[]} */
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== '__tests__' && name !== 'node_modules') out.push(...sources(path));
    } else if (/\.ts$/.test(name) && !/\.d\.ts$|\.test\.ts$/.test(name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * The file a relative specifier names: `./x.js` → `x.ts`, `./dir` → `dir/index.ts`.
 * @param {string} from
 * @param {string} specifier
 * @returns {string | undefined}
 */
function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '/index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * @param {string} file
 * @returns {string[]}
 */
function importsOf(file) {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
  /** @type {Set<string>} */
  const found = new Set();
  for (const match of text.matchAll(IMPORT)) {
    // One of the three alternatives of IMPORT matched, and each captures the specifier.
    const target = resolveSpecifier(file, /** @type {string} */ (match[1] ?? match[2] ?? match[3]));
    if (target) found.add(target);
  }
  return [...found];
}

/**
 * Every elementary circle, each reported once (Tarjan's strongly connected components, then a path).
 * @param {Map<string, string[]>} graph each module and the modules it imports
 * @returns {string[][]}
 */
function cycles(graph) {
  let index = 0;
  /** @type {string[]} */
  const stack = [];
  /** @type {Map<string, { index: number; low: number; onStack: boolean }>} */
  const state = new Map();
  /** @type {string[][]} */
  const components = [];
  /** @param {string} node */
  const at = (node) => /** @type {{ index: number; low: number; onStack: boolean }} */ (state.get(node));
  /** @param {string} node */
  const visit = (node) => {
    state.set(node, { index, low: index, onStack: true });
    index++;
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!state.has(next)) {
        visit(next);
        at(node).low = Math.min(at(node).low, at(next).low);
      } else if (at(next).onStack) {
        at(node).low = Math.min(at(node).low, at(next).index);
      }
    }
    if (at(node).low === at(node).index) {
      /** @type {string[]} */
      const component = [];
      /** @type {string} */
      let member;
      do {
        member = /** @type {string} */ (stack.pop());
        at(member).onStack = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  // One circle per component: a path from its first member back to itself.
  return components.map((component) => {
    const members = new Set(component);
    const start = /** @type {string} */ (component.sort()[0]);
    const path = [start];
    const seen = new Set([start]);
    for (;;) {
      const next = (graph.get(/** @type {string} */ (path.at(-1))) ?? []).find((n) => members.has(n) && (n === start || !seen.has(n)));
      if (!next || next === start) break;
      path.push(next);
      seen.add(next);
    }
    return [...path, start];
  });
}

const packagesDir = join(root, 'packages');
let found = 0;
for (const pkg of readdirSync(packagesDir)) {
  const src = join(packagesDir, pkg, 'src');
  if (!existsSync(src)) continue;
  const graph = new Map(sources(src).map((file) => [file, importsOf(file)]));
  for (const circle of cycles(graph)) {
    found++;
    console.error(`import cycle in @aidp/${pkg}: ${circle.map((f) => relative(src, f)).join(' → ')}`);
  }
}
if (found > 0) {
  console.error(`\n${found} import cycle(s): move what both sides need into a module below them both.`);
  process.exit(1);
}
console.log('no import cycles');

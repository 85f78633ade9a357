// Type-checks every TypeScript block of docs/*.md against the workspace packages, as a user's code
// would compile against the published ones. Each block is a whole module: it is written to a folder
// inside this package (so `@aidp/*` and `@temporalio/*` resolve as this package's dependencies, to
// their built type declarations) as an ES module — the blocks use top-level await — and compiled with
// the repository's strict settings, without emitting anything.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { codeBlocks, documentedFiles, readDocument, shown } from './markdown-blocks';

const folder = resolve(__dirname, '..', '..', '.docs-typecheck');

const blocks = documentedFiles().flatMap((file) =>
  codeBlocks(readDocument(file))
    .filter((block) => block.language === 'ts' || block.language === 'typescript')
    .map((block) => ({
      where: `${shown(file)}:${block.line}`,
      name: `${shown(file).replace(/[^A-Za-z0-9]+/g, '-')}-${block.line}.mts`,
      code: block.code,
    })),
);

describe('the TypeScript blocks of the documentation', () => {
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('are there to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it('compile against the workspace packages', () => {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const files = blocks.map((block) => {
      const path = join(folder, block.name);
      writeFileSync(path, `${block.code}\n`);
      return { path, where: block.where };
    });
    const program = ts.createProgram(
      files.map((f) => f.path),
      {
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts'],
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noUncheckedIndexedAccess: true,
        noUnusedLocals: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
      },
    );
    const where = new Map(files.map((f) => [f.path, f.where]));
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return message;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${where.get(resolve(d.file.fileName)) ?? d.file.fileName} (block line ${line + 1}): ${message}`;
    });
    expect(errors).toEqual([]);
  });
});

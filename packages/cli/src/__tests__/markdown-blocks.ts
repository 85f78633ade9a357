import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The repository root. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** The documents whose code blocks the tests check: every page of docs/, and docker/README.md. */
export function documentedFiles(): string[] {
  const docs = readdirSync(join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(REPO_ROOT, 'docs', name));
  return [...docs, join(REPO_ROOT, 'docker', 'README.md')];
}

/** A file's path as the test names it. */
export function shown(file: string): string {
  return relative(REPO_ROOT, file);
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell']);

/** One fenced code block. */
export interface CodeBlock {
  /** The info string's first word (`sh`, `ts`, `text`, ...). */
  language: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The HTML comment on the last non-blank line before the fence, if there is one. */
  comment: string | undefined;
  /** The next fenced block, when only blank lines separate the two. */
  followedBy: CodeBlock | undefined;
}

/** A shell block and what the test does with it. */
export type ShellBlock =
  | { kind: 'run'; block: CodeBlock; exitCode: number; expectedOutput: string | undefined }
  | { kind: 'not-run'; block: CodeBlock; reason: string };

/** Every fenced block of a markdown text, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  // The block before, while only blank lines have followed it.
  let previous: CodeBlock | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() !== '') previous = undefined;
      continue;
    }
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith(fence)) body.push(lines[j++]!);
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const before = k >= 0 ? lines[k]!.trim() : '';
    const block: CodeBlock = {
      language: open[3]!.toLowerCase(),
      code: body.join('\n'),
      line: i + 1,
      comment: /^<!--.*-->$/.test(before) ? before : undefined,
      followedBy: undefined,
    };
    if (previous) previous.followedBy = block;
    blocks.push(block);
    previous = block;
    i = j;
  }
  return blocks;
}

/**
 * The shell blocks of a markdown text and how each is to be treated, or the problems with their
 * markers. A shell block runs unless the comment right before it says
 * `<!-- not run here: <reason> -->`; `<!-- run: exit <n> -->` says which exit code the block ends with
 * (0 otherwise). A `text` block that follows a running block with only blank lines between is the
 * output it must print. A `not run here` without a reason, or any other comment right before a shell
 * block, is a problem.
 */
export function shellBlocks(markdown: string): { blocks: ShellBlock[]; problems: string[] } {
  const blocks: ShellBlock[] = [];
  const problems: string[] = [];
  for (const block of codeBlocks(markdown)) {
    if (!SHELL_LANGUAGES.has(block.language)) continue;
    const comment = block.comment;
    const notRun = comment ? /^<!--\s*not run here\b(.*?)-->$/i.exec(comment) : null;
    const run = comment ? /^<!--\s*run:\s*exit\s+(\d+)\s*-->$/.exec(comment) : null;
    if (notRun) {
      const reason = /^\s*:\s*(.*?)\s*$/.exec(notRun[1]!)?.[1] ?? '';
      if (reason === '') problems.push(`line ${block.line}: "not run here" needs a reason: <!-- not run here: <why> -->`);
      else blocks.push({ kind: 'not-run', block, reason });
      continue;
    }
    if (comment && !run) {
      problems.push(`line ${block.line}: unknown marker ${comment}; use <!-- not run here: <why> --> or <!-- run: exit <n> -->`);
      continue;
    }
    const next = block.followedBy;
    blocks.push({
      kind: 'run',
      block,
      exitCode: run ? Number(run[1]) : 0,
      expectedOutput: next && next.language === 'text' && next.comment === undefined ? next.code : undefined,
    });
  }
  return { blocks, problems };
}

/** A document's text. */
export function readDocument(file: string): string {
  return readFileSync(file, 'utf8');
}

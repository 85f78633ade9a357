/**
 * Edits a YAML file's text where given keys are, and nowhere else: the `yaml` package's syntax tree
 * says where each key and value is, and only those ranges are replaced, so comments, blank lines,
 * quoting and every other key stay exactly as the user wrote them. (Re-printing the whole document
 * would reflow comments and normalise spacing in parts of the file the edit has no business touching.)
 */
import { isMap, isScalar, parseDocument, stringify, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';

/** A value to write; undefined removes the key. Objects are written as block maps. */
export type Wanted = string | boolean | Record<string, string> | undefined;

/** Which keys of a section an edit manages, and where new ones go. */
export interface SectionKeys {
  /**
   * Keys in the order new ones are placed. Keys here but not in `managed` are left alone and only
   * decide where new keys go: after the last key that precedes them, or before the map's first key.
   */
  order: readonly string[];
  /** The keys the edit sets or removes; nothing else is touched. */
  managed: readonly string[];
  /** For a managed key whose value is a map: the keys of that map, edited the same way. */
  nested?: Readonly<Record<string, readonly string[]>>;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isBlockMap(node: Node | null | undefined): node is YAMLMap {
  return isMap(node) && !node.flow && node.items.length > 0;
}

/** Edits one file's text by replacing the ranges of managed keys, never anything else. */
export class AidpYmlEditor {
  private readonly splices: Splice[] = [];
  /** The file's line ending, kept for every line written. */
  readonly eol: string;
  /** The indentation one level adds in this file (2 when it cannot tell). */
  private readonly step: number;

  private constructor(
    private readonly text: string,
    private readonly root: YAMLMap | null,
  ) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    this.step = this.indentStep(root);
  }

  /**
   * An editor for `text`, or undefined when its top level is not a block mapping of sections (a
   * list, a scalar, a flow map): there is no place for a section to go that keeps the file's shape.
   * Throws what the `yaml` parser throws for text that is not YAML; callers parse it first.
   */
  static open(text: string): AidpYmlEditor | undefined {
    const root = parseDocument(text, { uniqueKeys: true }).contents as Node | null;
    if (root !== null && !(isMap(root) && !root.flow)) return undefined;
    return new AidpYmlEditor(text, root);
  }

  /**
   * Sets the managed keys of the top-level section `name` to `wanted`. A missing section is added
   * at the end of the file, after a blank line when the file has something in it; a section with
   * nothing under it, or written inline, is replaced by `whole` written as a block.
   */
  setSection(name: string, wanted: Record<string, Wanted>, whole: Record<string, unknown>, keys: SectionKeys): void {
    const pair = this.root?.items.find((p) => isScalar(p.key) && p.key.value === name);
    if (!pair) {
      const gap = this.text.trim() === '' ? '' : this.eol;
      this.insert(this.text.length, gap + this.renderPair(name, whole, 0));
      return;
    }
    const value = pair.value as Node | null;
    if (isBlockMap(value)) this.editMap(value, wanted, keys);
    else this.replace(this.pairStart(pair), this.pairEnd(pair), this.renderPair(name, whole, this.column(pair)));
  }

  /** The text with every edit applied. */
  apply(): string {
    const ordered = this.splices.map((s, i) => ({ ...s, i })).sort((a, b) => a.start - b.start || a.i - b.i);
    let out = '';
    let cursor = 0;
    for (const splice of ordered) {
      out += this.text.slice(cursor, splice.start) + splice.text;
      cursor = Math.max(cursor, splice.end);
    }
    return out + this.text.slice(cursor);
  }

  private indentStep(root: YAMLMap | null): number {
    for (const pair of root?.items ?? []) {
      const value = pair.value as Node | null;
      if (isBlockMap(value)) {
        const column = this.column(value.items[0]!);
        if (column > 0) return column - this.column(pair);
      }
    }
    return 2;
  }

  private lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }

  /** The end of the line `pos` is on, after its newline; `pos` itself when a line just ended there. */
  private lineEnd(pos: number): number {
    if (pos > 0 && this.text[pos - 1] === '\n') return pos;
    const newline = this.text.indexOf('\n', pos);
    return newline === -1 ? this.text.length : newline + 1;
  }

  private column(pair: Pair): number {
    const start = (pair.key as Node).range![0];
    return start - this.lineStart(start);
  }

  private pairStart(pair: Pair): number {
    return this.lineStart((pair.key as Node).range![0]);
  }

  private pairEnd(pair: Pair): number {
    const value = pair.value as Node | null;
    return this.lineEnd(value?.range ? value.range[1] : (pair.key as Node).range![1]);
  }

  /** `key: value` as block YAML at `column`, ending with a newline. */
  private renderPair(key: string, value: unknown, column: number): string {
    const body = stringify({ [key]: value }, { indent: this.step, lineWidth: 0 });
    const pad = ' '.repeat(column);
    return body
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => `${pad}${line}${this.eol}`)
      .join('');
  }

  /** A scalar in the style the old one was written in (quotes stay quotes). */
  private renderScalar(value: string | boolean, old: Node): string {
    const type = isScalar(old) ? old.type : undefined;
    if (typeof value === 'string' && type === 'QUOTE_DOUBLE') return JSON.stringify(value);
    if (typeof value === 'string' && type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
    return stringify(value, { lineWidth: 0 }).trimEnd();
  }

  private replace(start: number, end: number, text: string): void {
    this.splices.push({ start, end, text });
  }

  /** Inserting at `pos`: a newline first when the text ends there without one. */
  private insert(pos: number, text: string): void {
    const needsNewline = pos === this.text.length && pos > 0 && !this.text.endsWith('\n');
    this.replace(pos, pos, `${needsNewline ? this.eol : ''}${text}`);
  }

  /** Sets the managed keys of a non-empty block map to `wanted`. */
  private editMap(map: YAMLMap, wanted: Record<string, Wanted>, keys: SectionKeys): void {
    const find = (key: string) => map.items.find((p) => isScalar(p.key) && p.key.value === key);
    const column = this.column(map.items[0]!);
    let insertAt = this.pairStart(map.items[0]!);
    for (const key of keys.order) {
      const pair = find(key);
      if (!keys.managed.includes(key)) {
        if (pair) insertAt = this.pairEnd(pair);
        continue;
      }
      const want = wanted[key];
      if (!pair) {
        if (want !== undefined) this.insert(insertAt, this.renderPair(key, want, column));
        continue;
      }
      const start = this.pairStart(pair);
      const end = this.pairEnd(pair);
      insertAt = end;
      const value = pair.value as Node | null;
      const nested = keys.nested?.[key];
      if (want === undefined) {
        this.replace(start, end, '');
      } else if (isPlainObject(want)) {
        if (nested !== undefined && isBlockMap(value)) this.editMap(value, want, { order: nested, managed: nested });
        else this.replace(start, end, this.renderPair(key, want, column));
      } else if (isScalar(value) && this.inline(pair, value)) {
        if (value.value !== want) this.replace(value.range![0], value.range![1], this.renderScalar(want, value));
      } else {
        this.replace(start, end, this.renderPair(key, want, column));
      }
    }
  }

  /** A scalar written on its key's line, which can be replaced in place. */
  private inline(pair: Pair, value: Scalar): boolean {
    const [start, end] = value.range!;
    if (end <= start || value.value === null) return false;
    if (value.type === 'BLOCK_LITERAL' || value.type === 'BLOCK_FOLDED') return false;
    const keyEnd = (pair.key as Node).range![1];
    return !this.text.slice(keyEnd, start).includes('\n') && value.anchor === undefined && value.tag === undefined;
  }
}

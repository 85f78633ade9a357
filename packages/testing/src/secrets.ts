import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A text to search: where it came from (a file, a process's stderr, a history) and what it says. */
export interface SearchedText {
  source: string;
  text: string;
}

/** One place a secret was found. Never holds the secret itself, so a failing test does not print it. */
export interface SecretFinding {
  /** The name the secret was given (e.g. `GITHUB_TOKEN`). */
  secret: string;
  /** How it was written there: as is, or encoded. */
  form: SecretForm;
  source: string;
  /** 1-based line of the text where it was found. */
  line: number;
}

/** The forms a secret is searched in. */
export type SecretForm = 'plain' | 'base64' | 'base64url' | 'hex' | 'url-encoded' | 'json-escaped';

/**
 * What a secret looks like written in each form. Base64 is searched at each of the three alignments a
 * value can have inside a longer encoded text (Temporal history payloads are base64 of a whole JSON
 * document), keeping only the characters that depend on the secret alone.
 */
export function secretForms(secret: string): { form: SecretForm; text: string; ignoreCase?: boolean }[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: { form: SecretForm; text: string; ignoreCase?: boolean }[] = [{ form: 'plain', text: secret }];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor((shift + bytes.length) / 3) * 4;
    const core = encoded.slice(start, end);
    if (core.length < 8) continue; // too short to mean anything
    forms.push({ form: 'base64', text: core });
    const url = core.replace(/\+/g, '-').replace(/\//g, '_');
    if (url !== core) forms.push({ form: 'base64url', text: url });
  }
  forms.push({ form: 'hex', text: bytes.toString('hex'), ignoreCase: true });
  const urlEncoded = encodeURIComponent(secret);
  if (urlEncoded !== secret) forms.push({ form: 'url-encoded', text: urlEncoded, ignoreCase: true });
  const jsonEscaped = JSON.stringify(secret).slice(1, -1);
  if (jsonEscaped !== secret) forms.push({ form: 'json-escaped', text: jsonEscaped });
  return forms;
}

/**
 * Every place any of `secrets` (name → value) appears in `texts`, in any of its {@link secretForms}.
 * Values shorter than 8 characters are refused: they would match by chance.
 */
export function findSecrets(texts: readonly SearchedText[], secrets: Record<string, string>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < 8) throw new Error(`findSecrets: ${name} is too short to search for (at least 8 characters)`);
    const forms = secretForms(value);
    for (const { source, text } of texts) {
      const lower = text.toLowerCase();
      for (const form of forms) {
        const haystack = form.ignoreCase ? lower : text;
        const needle = form.ignoreCase ? form.text.toLowerCase() : form.text;
        for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
          findings.push({ secret: name, form: form.form, source, line: lineAt(text, at) });
        }
      }
    }
  }
  return findings;
}

/** Throws, naming each place (never the value), when any of `secrets` appears in `texts`. */
export function assertNoSecrets(texts: readonly SearchedText[], secrets: Record<string, string>): void {
  const findings = findSecrets(texts, secrets);
  if (findings.length === 0) return;
  const lines = findings.slice(0, 50).map((f) => `  ${f.secret} (${f.form}) in ${f.source}:${f.line}`);
  const more = findings.length > lines.length ? `\n  … and ${findings.length - lines.length} more` : '';
  throw new Error(`secrets found in ${new Set(findings.map((f) => f.source)).size} place(s):\n${lines.join('\n')}${more}`);
}

/**
 * Every file under `dir` as a text to search, named by its path relative to `base` (default `dir`).
 * Binary files are read as Latin-1, so every byte is searched.
 */
export function filesUnder(dir: string, base: string = dir): SearchedText[] {
  const out: SearchedText[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() || (entry.isSymbolicLink() && statSync(path, { throwIfNoEntry: false })?.isFile())) {
        const bytes = readFileSync(path);
        out.push({ source: relative(base, path), text: bytes.includes(0) ? bytes.toString('latin1') : bytes.toString('utf8') });
      }
    }
  };
  walk(dir);
  return out;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Rules that relate several keys, checked on the validated configuration: what each key means on its
 * own is the schema's business, whether the keys make sense together is decided here.
 */
import { closestMatch, makeIssue, type ConfigIssue } from './errors.js';
import { formatKeyPath, type PathSegment } from './paths.js';
import type { AidpConfig } from './schema.js';

function seconds(value: number): string {
  return `${value}s`;
}

/**
 * Checks the cross-field rules and returns every violation:
 * - `temporal.tls.cert_file` and `key_file` come together (a client certificate needs its key);
 * - check names in `work_loop.checks` are unique;
 * - every check a step lists exists in `work_loop.checks`;
 * - `temporal.retry.maximum_interval` is not shorter than `initial_interval` (Temporal refuses it).
 */
export function checkCrossFieldRules(config: AidpConfig, sourceOf: (path: readonly PathSegment[]) => string = () => ''): ConfigIssue[] {
  const issues: ConfigIssue[] = [];

  const tls = config.temporal.tls;
  if (typeof tls === 'object') {
    const pair = ['cert_file', 'key_file'] as const;
    for (const [present, missing] of [pair, [pair[1], pair[0]] as const]) {
      if (tls[present] !== undefined && tls[missing] === undefined) {
        const path = ['temporal', 'tls', missing];
        issues.push(
          makeIssue({
            source: sourceOf(['temporal', 'tls', present]),
            keyPath: formatKeyPath(path),
            expected: `a file path, because temporal.tls.${present} is set`,
            found: 'nothing',
            message: `missing: temporal.tls.${present} is set, and a client certificate needs both cert_file and key_file`,
          }),
        );
      }
    }
  }

  const checks = config.work_loop.checks;
  const firstIndex = new Map<string, number>();
  checks.forEach((check, index) => {
    const earlier = firstIndex.get(check.name);
    if (earlier === undefined) {
      firstIndex.set(check.name, index);
      return;
    }
    const path = ['work_loop', 'checks', index, 'name'];
    issues.push(
      makeIssue({
        source: sourceOf(path),
        keyPath: formatKeyPath(path),
        expected: 'a unique check name',
        found: JSON.stringify(check.name),
        message: `duplicate check name ${JSON.stringify(check.name)} (already used by ${formatKeyPath(['work_loop', 'checks', earlier, 'name'])}); check names must be unique`,
      }),
    );
  });

  const names = [...firstIndex.keys()];
  for (const [stepName, step] of Object.entries(config.work_loop.steps)) {
    (step.checks ?? []).forEach((name, index) => {
      if (firstIndex.has(name)) return;
      const path = ['work_loop', 'steps', stepName, 'checks', index];
      const suggestion = closestMatch(name, names);
      const known = names.length === 0 ? 'no checks are defined in work_loop.checks' : `defined checks: ${names.join(', ')}`;
      issues.push(
        makeIssue({
          source: sourceOf(path),
          keyPath: formatKeyPath(path),
          expected: 'the name of a check in work_loop.checks',
          found: JSON.stringify(name),
          message: `unknown check ${JSON.stringify(name)}; ${suggestion ? `did you mean "${suggestion}"?` : known}`,
        }),
      );
    });
  }

  const retry = config.temporal.retry;
  if (retry.maximum_interval < retry.initial_interval) {
    const path = ['temporal', 'retry', 'maximum_interval'];
    issues.push(
      makeIssue({
        source: sourceOf(path),
        keyPath: formatKeyPath(path),
        expected: `at least temporal.retry.initial_interval (${seconds(retry.initial_interval)})`,
        found: seconds(retry.maximum_interval),
      }),
    );
  }

  return issues;
}

import { Command, Option } from 'clipanion';
import { TemporalCommand } from '../../base-command.js';
import { configModule } from '../../lazy.js';

/** `aidp temporal config`: the resolved configuration and where each value came from. */
export class TemporalConfigCommand extends TemporalCommand {
  static override paths = [['temporal', 'config']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'show the resolved configuration and where each value came from',
    details: `
      Loads the configuration exactly as the worker and the client do — defaults, then the file
      (aidp.yml, found from the current directory upward, or given with --config or $AIDP_CONFIG),
      then environment variables, then command-line flags — and prints every key with its value and
      its source. Secrets such as \`temporal.api_key\` are shown as \`***\`.

      A configuration error is reported with the file, the key and what was expected, and the
      command exits with code 1.
    `,
    examples: [
      ['Show the configuration for the current project', '$0 temporal config'],
      ['Show it as JSON, for scripts', '$0 temporal config --json'],
      ['Check a specific file', '$0 temporal config --config ./deploy/aidp.yml'],
      ['See an environment override take effect', 'TEMPORAL_NAMESPACE=staging $0 temporal config'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print JSON instead of a table' });

  async execute(): Promise<number> {
    const loaded = await this.loadConfig();
    const { explainConfig, AGENT_VERIFICATION, describeAgentVerification } = configModule();
    const entries = explainConfig(loaded);
    const provider = loaded.config.agent.provider;
    if (this.json) {
      const out = {
        configFile: loaded.filepath,
        entries: entries.map((e) => ({ key: e.key, value: e.value, source: e.sourceLabel })),
        agent: { provider, verification: AGENT_VERIFICATION[provider] },
      };
      this.context.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    const rows = entries.map((e) => [e.key, formatValue(e.value), e.sourceLabel] as const);
    const header = ['KEY', 'VALUE', 'SOURCE'] as const;
    const widths = [0, 1].map((i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: readonly [string, string, string]) => `${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2]}`.trimEnd();
    const file = loaded.filepath ?? 'none found (using defaults, environment and flags)';
    const agent = `Agent adapter "${provider}": ${describeAgentVerification(provider)} (docs/agents.md)`;
    this.context.stdout.write([`Configuration file: ${file}`, '', line(header), ...rows.map(line), '', agent, ''].join('\n'));
    return 0;
  }
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '(unset)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

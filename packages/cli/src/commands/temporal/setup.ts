import { Command, Option } from 'clipanion';
import { AidpCommand } from '../../base-command.js';
import type * as Wizard from '../../setup/wizard.js';

/** `aidp temporal setup`: writes the temporal section of aidp.yml, by questions or by flags. */
export class TemporalSetupCommand extends AidpCommand {
  static override paths = [['temporal', 'setup']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'set up the connection to Temporal in aidp.yml (interactive, or by flags)',
    details: `
      Asks where Temporal runs — a local dev server, a self-hosted cluster or Temporal Cloud — and
      for the address, namespace, task queue and TLS or API key; tests the connection; shows what
      changes; and writes the \`temporal\` section of aidp.yml (the one found from the current
      directory upward, the one given with --config, or a new ./aidp.yml). Only the keys it manages
      change (target_host, namespace, task_queue, tls, api_key); comments and everything else in
      the file stay as they are.

      An API key is never written to the file: setup asks for the name of the environment variable
      that holds it and writes \`api_key: \${NAME}\`.

      Flags answer the questions. Without a terminal every answer must come from a flag (or from
      the current file), and --yes is needed to write; missing ones are named and the command exits
      with code 2. A failed connection test then exits 1 and writes nothing, unless --no-verify.
    `,
    examples: [
      ['Answer the questions', '$0 temporal setup'],
      ['Use the local dev server, from a script', '$0 temporal setup --mode local --yes'],
      [
        'A self-hosted cluster with mTLS',
        '$0 temporal setup --mode self-hosted --address temporal.internal:7233 --namespace team-a --tls-cert certs/client.pem --tls-key certs/client.key --yes',
      ],
      [
        'Temporal Cloud with an API key read from $TEMPORAL_API_KEY',
        '$0 temporal setup --mode cloud --namespace prod.a1b2c --api-key-env TEMPORAL_API_KEY --yes',
      ],
      [
        'Write a file without testing the connection',
        '$0 temporal setup --config deploy/aidp.yml --mode self-hosted --address temporal:7233 --no-verify --yes',
      ],
    ],
  });

  configFile = Option.String('-c,--config', {
    description: 'The aidp.yml to write (default: the one found from the current directory upward, else ./aidp.yml)',
  });
  mode = Option.String('--mode', { description: 'Where Temporal runs: local, self-hosted or cloud' });
  address = Option.String('--address', { description: 'Server address host:port (temporal.target_host)' });
  namespace = Option.String('--namespace', { description: 'Namespace (temporal.namespace; default "default")' });
  taskQueue = Option.String('--task-queue', { description: 'Task queue (temporal.task_queue; default "aidp-workflows")' });
  tls = Option.Boolean('--tls', { description: "TLS verified with the system's CA roots; --no-tls for none (self-hosted)" });
  tlsCa = Option.String('--tls-ca', { description: 'CA certificate file (PEM) of a private CA' });
  tlsCert = Option.String('--tls-cert', { description: 'Client certificate file (PEM) for mTLS; needs --tls-key' });
  tlsKey = Option.String('--tls-key', { description: 'Client key file (PEM) for mTLS; needs --tls-cert' });
  tlsServerName = Option.String('--tls-server-name', {
    description: 'Server name to verify the certificate against, when it differs from the host',
  });
  apiKeyEnv = Option.String('--api-key-env', {
    description: 'Cloud: the NAME of the environment variable holding the API key (never the key)',
  });
  verify = Option.Boolean('--verify', true, { description: 'Test the connection before writing (--no-verify skips the test)' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Write without asking for confirmation' });

  async execute(): Promise<number> {
    // Loaded when the command runs, with the modules only it needs (see lazy.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runSetup } = require('../../setup/wizard.js') as typeof Wizard;
    return await runSetup(
      {
        configFile: this.configFile,
        mode: this.mode,
        address: this.address,
        namespace: this.namespace,
        taskQueue: this.taskQueue,
        tls: this.tls,
        tlsCa: this.tlsCa,
        tlsCert: this.tlsCert,
        tlsKey: this.tlsKey,
        tlsServerName: this.tlsServerName,
        apiKeyEnv: this.apiKeyEnv,
        verify: this.verify,
        yes: this.yes,
      },
      {
        cwd: this.context.cwd,
        env: this.context.env,
        stdin: this.context.stdin,
        stdout: this.context.stdout,
        stderr: this.context.stderr,
        interactive: (this.context.stdin as NodeJS.ReadStream).isTTY === true,
        colors: this.cli.enableColors === true,
      },
    );
  }
}

import { Client, Connection } from '@temporalio/client';
import { toConnectionOptions, type AidpConfig } from '@aidp/config';

/** A Temporal client bound to AIDP's namespace and task queue, with the connection it owns. */
export interface ConnectedClient {
  client: Client;
  connection: Connection;
  /** The configured task queue, where AIDP's workers listen. */
  taskQueue: string;
  close(): Promise<void>;
}

/**
 * Connects to the Temporal server of `config.temporal` (address, TLS, API key) and returns a client for
 * the configured namespace.
 */
export async function connectTemporalClient(config: AidpConfig): Promise<ConnectedClient> {
  const connection = await Connection.connect(toConnectionOptions(config));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { client, connection, taskQueue: config.temporal.task_queue, close: () => connection.close() };
}

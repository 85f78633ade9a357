/**
 * The Temporal Web UI for a server address: `AIDP_TEMPORAL_UI` when set; Temporal Cloud's UI for
 * `*.tmprl.cloud`; otherwise the local dev server's convention, the frontend port plus 1000
 * (7233 → 8233). A server with its UI elsewhere (the docker stack's 8080) sets `AIDP_TEMPORAL_UI`.
 */
export function temporalUiBase(address: string, env: Record<string, string | undefined> = process.env): string {
  const explicit = env.AIDP_TEMPORAL_UI;
  if (explicit) return explicit.replace(/\/+$/, '');
  const [host = 'localhost', portText] = address.split(':');
  if (host.endsWith('.tmprl.cloud')) return 'https://cloud.temporal.io';
  const port = Number(portText ?? 7233);
  const uiHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${uiHost}:${Number.isInteger(port) ? port + 1000 : 8233}`;
}

/** The UI page of a run. */
export function runUiUrl(base: string, namespace: string, workflowId: string, runId?: string): string {
  const page = `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${page}/${encodeURIComponent(runId)}/history` : page;
}

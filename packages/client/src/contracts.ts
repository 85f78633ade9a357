/**
 * @aidp/client/contracts — the wire contracts of AIDP's workflows, as `@aidp/client` re-exports them:
 * signal, update and query definitions and names, workflow inputs and results, failure types, and the
 * input limits with their validators. This entry point loads no Temporal client or gRPC, so code that only
 * checks input or names a signal (a command line printing its help) stays quick to start.
 */
export * from '@aidp/workflows/contracts';

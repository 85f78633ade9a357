/* eslint-disable @typescript-eslint/no-require-imports -- the point of this file: see below */
import type * as ClientModule from '@aidp/client';
import type * as ConfigModule from '@aidp/config';
import type * as WorkerModule from '@aidp/worker';

// Modules the commands load when they run rather than when the CLI starts, so `--help` stays instant.
// Loaded with `require`: this package is CommonJS, where `import()` takes a detour through Node's ES
// module loader for nothing, and jest's CommonJS runtime — which runs the commands in-process in the
// tests, with captured streams — cannot follow an `import()` at all. (Type-only imports above vanish
// from the output.)

/** `@aidp/config`. */
export function configModule(): typeof ConfigModule {
  return require('@aidp/config') as typeof ConfigModule;
}

/** `@aidp/client`. */
export function clientModule(): typeof ClientModule {
  return require('@aidp/client') as typeof ClientModule;
}

/** `@aidp/worker`. */
export function workerModule(): typeof WorkerModule {
  return require('@aidp/worker') as typeof WorkerModule;
}

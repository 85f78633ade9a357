// Runs before each integration test file: the Temporal runtime logs warnings and errors only, so a
// test run's output shows what went wrong instead of every worker state change. Must run before
// anything creates the runtime, hence a setup file.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });

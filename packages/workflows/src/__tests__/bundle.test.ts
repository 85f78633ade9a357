import { bundleWorkflowCode } from '@temporalio/worker';
import { join } from 'node:path';

// The workflow sandbox has no Node APIs. Temporal's bundler refuses Node built-ins, directly imported
// or pulled in through any dependency, so bundling the package entry proves none is reachable.
describe('the workflows package in the Temporal sandbox', () => {
  it('bundles without any Node-only module reachable from its entry point', async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: join(__dirname, '..', 'index.ts'),
      logger: quietLogger,
    });
    expect(bundle.code.length).toBeGreaterThan(0);
    expect(bundle.code).toContain('inject_instruction');
  }, 120_000);

  it('fails to bundle when a Node built-in creeps in through an import', async () => {
    await expect(
      bundleWorkflowCode({
        workflowsPath: join(__dirname, 'fixtures', 'node-leak-workflows.ts'),
        logger: quietLogger,
      }),
    ).rejects.toThrow(/disallowed modules:[\s\S]*child_process/);
  }, 120_000);
});

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

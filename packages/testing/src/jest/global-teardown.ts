export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__AIDP_DEV_SERVER__;
  globalThis.__AIDP_DEV_SERVER__ = undefined;
  await server?.stop();
}

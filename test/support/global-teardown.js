import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const state = globalThis.__heraldTestDatabase;
  if (!state) return;
  await state.database.stop();
  await rm(state.dir, { recursive: true, force: true });
}

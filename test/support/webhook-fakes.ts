import { createServer } from 'node:net';
import { startProviderFakes, type ProviderFakes, type ProviderFakesOptions } from '../fakes/provider-fakes.mjs';

/** A port free right now, for Herald to listen on where the fakes can call it back. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Provider fakes that post (signed) delivery events to a Herald that is to listen on `port`, at `base`. */
export interface WebhookFakes {
  fakes: ProviderFakes;
  port: number;
  base: string;
  /** The fakes' settings plus Herald's public URL at `base`, plain HTTP allowed for its webhooks. */
  env: ProviderFakes['env'] & { HERALD_PUBLIC_URL: string; HERALD_WEBHOOKS_ALLOW_HTTP: 'true' };
}

/**
 * The fakes, with the port chosen first so that they know where to post their events: start Herald with `env` and
 * `listen({ port, host: '127.0.0.1' })`. The signing keys go in `options` (e.g. `mailgun: { webhookSigningKey }`).
 */
export async function startWebhookFakes(options: Omit<ProviderFakesOptions, 'webhookUrl'>): Promise<WebhookFakes> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const fakes = await startProviderFakes({ ...options, webhookUrl: base });
  return { fakes, port, base, env: { ...fakes.env, HERALD_PUBLIC_URL: base, HERALD_WEBHOOKS_ALLOW_HTTP: 'true' } };
}

// GraphQL subscriptions (issue 21) through a real graphql-ws client over Herald's own /graphql, with the loopback
// provider fakes: live message states (queued → sent → delivered through the fake's signed webhook), filters, two
// Herald instances on one database, authentication and caps, privacy request changes, retryMessage and
// providerCircuits.
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { ChangeFeed } from '../../src/database/change-feed.js';
import { GraphqlWsServer } from '../../src/graphql/subscriptions/graphql-ws.server.js';
import { MessageUpdates } from '../../src/notifications/live/message-updates.js';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { PrivacyRequestUpdates } from '../../src/privacy-requests/requests/privacy-request-updates.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import type { ProviderFakes } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, createTestApp, graphql, obtainToken } from '../support/test-app.js';
import { startWebhookFakes } from '../support/webhook-fakes.js';

const SIGNING_KEY = 'mailgun-webhook-signing-key-subs-1';
const MESSAGE_FIELDS = 'id status deliveryStatus recipient privacyRequestId actionType attempts failureReason';
const MESSAGES = `subscription Live($status: String, $privacyRequestId: String) {
  messageUpdated(status: $status, privacyRequestId: $privacyRequestId) { ${MESSAGE_FIELDS} } }`;

interface Live<T> {
  events: T[];
  errors: unknown[];
  completed: boolean;
  dispose: () => void;
}

describe('GraphQL subscriptions (graphql-ws at /graphql)', () => {
  let fakes: ProviderFakes;
  let a: TestApp;
  let b: TestApp;
  let wsA: string;
  let wsB: string;
  /** Where each app's websockets are (apps started by a test add theirs). */
  const urls = new Map<TestApp, string>();
  let root: string;
  let reader: string;
  const clients: Client[] = [];
  let seq = 0;

  let env: Record<string, string>;
  beforeAll(async () => {
    const webhooks = await startWebhookFakes({ mailgun: { webhookSigningKey: SIGNING_KEY } });
    fakes = webhooks.fakes;
    const portA = webhooks.port;
    env = {
      ...webhooks.env,
      FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
      FIDES__EXECUTION__REQUIRE_MANUAL_REQUEST_APPROVAL: 'true',
      HERALD_DELIVERY_MAX_ATTEMPTS: '1',
      HERALD_GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
      HERALD_GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CLIENT: '3',
    };
    a = await createTestApp(env);
    await a.app.listen({ port: portA, host: '127.0.0.1' });
    b = await createTestApp(env, undefined, a.databaseUrl);
    // Any free port: one chosen in advance may be taken meanwhile by the fakes.
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    const portB = (b.app.getHttpServer().address() as { port: number }).port;
    wsA = `ws://127.0.0.1:${portA}/graphql`;
    wsB = `ws://127.0.0.1:${portB}/graphql`;
    urls.set(a, wsA).set(b, wsB);
    root = await a.rootToken();
    await a
      .http()
      .post('/api/v1/messaging/config')
      .set(bearer(root))
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } })
      .expect(200);
    await a
      .http()
      .put('/api/v1/messaging/config/mailgun/secret')
      .set(bearer(root))
      .send({ mailgun_api_key: 'key-subs-1', mailgun_webhook_signing_key: SIGNING_KEY })
      .expect(200);
    const created = await a.http().post('/api/v1/oauth/client').set(bearer(root)).send(['privacy-request:read']).expect(200);
    reader = await obtainToken(a.http(), created.body.client_id, created.body.client_secret);
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await b?.close();
    await a?.close();
    await fakes?.close();
  });
  beforeEach(async () => {
    // The previous test's messages end first: a fault injected next must meet this test's messages.
    await waitFor('a quiet outbox', async () => {
      const { rows } = await a.db.query(`SELECT count(*)::int AS n FROM message WHERE status IN ('queued', 'sending')`);
      return rows[0].n === 0;
    });
    fakes.reset();
  });

  /** A graphql-ws client of one app (its `app` tells `live` where to look for the subscription). */
  function client(app: TestApp, token: string): Client & { app: TestApp } {
    const url = urls.get(app)!;
    const c = createClient({ url, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
    clients.push(c);
    return Object.assign(c, { app });
  }

  /** This app's subscribers, once their channel is listened to: what a subscription waits for before changes are made. */
  const subscribers = (app: TestApp) => {
    const feed = app.app.get(ChangeFeed);
    return (
      (feed.isListening('herald_message') ? app.app.get(MessageUpdates).subscribers : 0) +
      (feed.isListening('herald_privacy_request') ? app.app.get(PrivacyRequestUpdates).subscribers : 0)
    );
  };

  /** A subscription whose events and errors are collected; resolves once it is in place (or refused). */
  async function live<T>(c: Client & { app: TestApp }, query: string, variables: Record<string, unknown> = {}): Promise<Live<T>> {
    const state: Live<T> = { events: [], errors: [], completed: false, dispose: () => undefined };
    const before = subscribers(c.app);
    state.dispose = c.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) state.errors.push(...result.errors);
          if (result.data) state.events.push(Object.values(result.data)[0]);
        },
        error: (error) => (Array.isArray(error) ? state.errors.push(...(error as unknown[])) : state.errors.push(error)),
        complete: () => (state.completed = true),
      },
    );
    await waitFor('the subscription to be in place or refused', async () => state.errors.length > 0 || state.completed || subscribers(c.app) > before);
    return state;
  }

  async function notify(app: TestApp, options: { email?: string; privacyRequestId?: string } = {}): Promise<{ id: string; email: string }> {
    seq += 1;
    const email = options.email ?? `live.subject.${seq}.${randomUUID().slice(0, 6)}@example.org`;
    const { messageId } = await app.app.get(NotificationsService).notify({
      actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE,
      recipient: { email },
      idempotencyKey: `subs-${seq}-${randomUUID()}`,
      privacyRequestId: options.privacyRequestId ?? null,
    });
    return { id: messageId, email };
  }

  const row = async (id: string) => (await a.db.query('SELECT status, attempts, delivery_status FROM message WHERE id = $1', [id])).rows[0];
  type MessageEvent = { id: string; status: string; deliveryStatus: string; recipient: string | null; privacyRequestId: string | null };

  it('shows a message going queued → sending → sent → delivered (the signed webhook), with the masked recipient only', async () => {
    const sub = await live<MessageEvent>(client(a, root), MESSAGES);
    const { id, email } = await notify(a);
    await waitFor('the message to be sent', async () => (await row(id))?.status === 'sent');
    expect(await fakes.mailgun.emitEvent({ type: 'delivered', messageId: id })).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    const mine = await waitFor('the delivered event', async () => {
      const events = sub.events.filter((e) => e.id === id);
      return events.some((e) => e.deliveryStatus === 'delivered') ? events : undefined;
    });
    expect(mine.map((e) => `${e.status}/${e.deliveryStatus}`)).toEqual(['queued/unknown', 'sending/unknown', 'sent/unknown', 'sent/delivered']);
    expect(mine[0].recipient).toEqual(expect.any(String));
    expect(mine[0].recipient).not.toBe(email);
    expect(JSON.stringify(sub.events)).not.toContain(email);
    expect(JSON.stringify(sub.events)).not.toContain(email.split('@')[0]);
    expect(sub.errors).toEqual([]);
    sub.dispose();
  });

  it('filters: status "failed" gets only failed messages; privacyRequestId only that request\'s', async () => {
    const c = client(a, root);
    const failed = await live<MessageEvent>(c, MESSAGES, { status: 'failed' });
    const forRequest = await live<MessageEvent>(c, MESSAGES, { privacyRequestId: 'pri_live_filter' });
    fakes.mailgun.failNext(1, 400);
    const bad = await notify(a);
    await waitFor('the first message to fail', async () => (await row(bad.id))?.status === 'failed');
    const good = await notify(a, { privacyRequestId: 'pri_live_filter' });
    await waitFor('the second message to be sent', async () => (await row(good.id))?.status === 'sent');
    await waitFor('the failed event', async () => failed.events.some((e) => e.id === bad.id));
    await waitFor('the request event', async () => forRequest.events.some((e) => e.id === good.id && e.status === 'sent'));
    expect(failed.events.every((e) => e.status === 'failed')).toBe(true);
    expect(failed.events.map((e) => e.id)).not.toContain(good.id);
    expect(forRequest.events.every((e) => e.privacyRequestId === 'pri_live_filter')).toBe(true);
    expect(forRequest.events.map((e) => e.id)).not.toContain(bad.id);
    failed.dispose();
    forRequest.dispose();
  });

  it('a change made through instance A reaches a subscriber on instance B', async () => {
    const sub = await live<MessageEvent>(client(b, root), MESSAGES);
    const { id } = await notify(a);
    await waitFor('the sent event on B', async () => sub.events.some((e) => e.id === id && e.status === 'sent'));
    sub.dispose();
  });

  /** A raw graphql-transport-ws socket: the close code and reason the server ends it with. */
  async function rawSocket(
    url: string,
    first?: (socket: WebSocket) => void,
    headers: Record<string, string> = {},
  ): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    first?.(socket);
    return { socket, closed };
  }

  it.each([
    ['a forged token', { Authorization: 'Bearer not-a-token' }],
    ['no token', {}],
    ['a lowercase key with a forged token', { authorization: 'Bearer eyJhbGciOiJkaXIifQ..x.y.z' }],
  ])('closes with 4403 on connection_init with %s', async (_name, payload) => {
    const { socket, closed } = await rawSocket(wsA);
    socket.send(JSON.stringify({ type: 'connection_init', payload }));
    expect(await closed).toEqual({ code: 4403, reason: 'Forbidden' });
  });

  it('accepts the lowercase authorization key', async () => {
    const { socket, closed } = await rawSocket(wsA);
    const acked = new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${root}` } }));
    expect(await acked).toEqual({ type: 'connection_ack' });
    socket.close(1000);
    await closed;
  });

  it('a token without messaging:read gets FORBIDDEN and no events', async () => {
    const denied = await live<MessageEvent>(client(a, reader), MESSAGES);
    const watcher = await live<MessageEvent>(client(a, root), MESSAGES);
    const { id } = await notify(a);
    await waitFor('the watcher to see it sent', async () => watcher.events.some((e) => e.id === id && e.status === 'sent'));
    expect(denied.events).toEqual([]);
    expect(denied.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    watcher.dispose();
  });

  it('caps subscriptions per connection and per client (settings), with clear errors', async () => {
    const first = client(a, root);
    const s1 = await live(first, MESSAGES);
    const s2 = await live(first, MESSAGES);
    const s3 = await live(first, MESSAGES);
    expect(s3.errors).toEqual([
      expect.objectContaining({ message: 'Too many subscriptions on this connection: at most 2 at once', extensions: { code: 'TOO_MANY_REQUESTS' } }),
    ]);
    const second = client(a, root);
    const s4 = await live(second, MESSAGES);
    const s5 = await live(second, MESSAGES);
    expect(s4.errors).toEqual([]);
    expect(s5.errors).toEqual([
      expect.objectContaining({
        message: 'Too many subscriptions for this client: at most 3 at once on this instance',
        extensions: { code: 'TOO_MANY_REQUESTS' },
      }),
    ]);
    // Ending one frees its place.
    const held = subscribers(a);
    s1.dispose();
    await waitFor('the first subscription to end', async () => subscribers(a) < held);
    const again = await live(second, MESSAGES);
    expect(again.errors).toEqual([]);
    for (const s of [s2, s4, again]) s.dispose();
    await waitFor('every subscription to end', async () => subscribers(a) === 0);
  });

  it('refuses queries over the websocket and keeps the HTTP limits', async () => {
    const c = client(a, root);
    const query = await live(c, '{ providerCircuits { serviceType } }');
    expect(query.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
    const wide = await live(c, `subscription { messageUpdated { ${Array.from({ length: 501 }, (_, i) => `f${i}: id`).join(' ')} } }`);
    expect(wide.errors[0]).toEqual(expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
    const bad = await live(c, 'subscription { messageUpdated(status: "lost") { id } }');
    expect(bad.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });

  it('an oversized frame closes that socket (1009); the server goes on', async () => {
    const { socket, closed } = await rawSocket(wsA);
    socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${root}`, pad: 'x'.repeat(100 * 1024) } }));
    expect((await closed).code).toBe(1009);
    const sub = await live<MessageEvent>(client(a, root), MESSAGES);
    const { id } = await notify(a);
    await waitFor('the sent event', async () => sub.events.some((e) => e.id === id && e.status === 'sent'));
    sub.dispose();
    expect((await graphql(a, '{ providerCircuits { serviceType } }', {}, root)).errors).toBeUndefined();
  });

  it('answers upgrades elsewhere than /graphql with 404', async () => {
    await expect(rawSocket(wsA.replace('/graphql', '/api/v1/health'))).rejects.toThrow('upgrade refused: 404');
  });

  describe('websockets per client address (HERALD_GRAPHQL_WS_MAX_CONNECTIONS_PER_ADDRESS=3)', () => {
    let direct: TestApp;
    let proxied: TestApp;
    const started: TestApp[] = [];

    /** Another Herald on the same database, listening; its websocket URL is known to `client`. */
    async function start(overrides: Record<string, string>): Promise<TestApp> {
      const app = await createTestApp({ ...env, HERALD_GRAPHQL_WS_MAX_CONNECTIONS_PER_ADDRESS: '3', ...overrides }, undefined, a.databaseUrl);
      started.push(app);
      await app.app.listen({ port: 0, host: '127.0.0.1' });
      urls.set(app, `ws://127.0.0.1:${(app.app.getHttpServer().address() as { port: number }).port}/graphql`);
      return app;
    }
    beforeAll(async () => {
      direct = await start({});
      proxied = await start({ HERALD_TRUST_PROXY: '127.0.0.1' });
    });
    afterAll(async () => {
      for (const app of started) await app.close();
    });

    /** The open sockets the server counts per address (what must shrink back as sockets close). */
    const held = (app: TestApp) => Object.fromEntries(app.app.get(GraphqlWsServer)['perAddress']);
    const forwarded = (address: string) => ({ 'X-Forwarded-For': address });

    /** A socket past `connection_init` (acknowledged). */
    async function authenticated(url: string, headers: Record<string, string> = {}) {
      const raw = await rawSocket(url, undefined, headers);
      const acked = new Promise((resolve) => raw.socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
      raw.socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${root}` } }));
      expect(await acked).toEqual({ type: 'connection_ack' });
      return raw;
    }

    async function closeAll(...raws: { socket: WebSocket; closed: Promise<unknown> }[]) {
      for (const raw of raws) raw.socket.close(1000);
      await Promise.all(raws.map((raw) => raw.closed));
    }

    it('refuses a 4th socket from one address with 429 at the upgrade (pending and authenticated count); X-Forwarded-For is ignored without trust', async () => {
      const url = urls.get(direct)!;
      const open = [await authenticated(url), await authenticated(url)];
      // Still waiting for connection_init: it holds a place too.
      const pending = await rawSocket(url);
      expect(held(direct)).toEqual({ '127.0.0.1': 3 });
      await expect(rawSocket(url)).rejects.toThrow('upgrade refused: 429');
      // Not behind a trusted proxy: a forwarded address is no other client.
      await expect(rawSocket(url, undefined, forwarded('203.0.113.9'))).rejects.toThrow('upgrade refused: 429');
      expect(held(direct)).toEqual({ '127.0.0.1': 3 });
      expect([...open, pending].map((raw) => raw.socket.readyState)).toEqual([WebSocket.OPEN, WebSocket.OPEN, WebSocket.OPEN]);
      // The other instance keeps its own count: the same address is welcome there.
      const elsewhere = await authenticated(wsA);

      // Closing one frees its place: a normal subscription gets in and sees events.
      await closeAll(pending);
      await waitFor('the closed socket to be released', async () => held(direct)['127.0.0.1'] === 2);
      const sub = await live<MessageEvent>(client(direct, root), MESSAGES);
      expect(sub.errors).toEqual([]);
      const { id } = await notify(direct);
      await waitFor('the sent event', async () => sub.events.some((e) => e.id === id && e.status === 'sent'));
      expect(held(direct)).toEqual({ '127.0.0.1': 3 });
      await expect(rawSocket(url)).rejects.toThrow('upgrade refused: 429');
      sub.dispose();

      await closeAll(...open, elsewhere);
      await waitFor('every socket to be released', async () => Object.keys(held(direct)).length === 0);
      expect((await graphql(direct, '{ providerCircuits { serviceType } }', {}, root)).errors).toBeUndefined();
    });

    it('behind a trusted proxy (HERALD_TRUST_PROXY=127.0.0.1) counts each forwarded address apart, IPv6 by /64', async () => {
      const url = urls.get(proxied)!;
      const one = [];
      for (let i = 0; i < 3; i++) one.push(await authenticated(url, forwarded('198.51.100.1')));
      await expect(rawSocket(url, undefined, forwarded('198.51.100.1'))).rejects.toThrow('upgrade refused: 429');
      // The proxy's hop list: the client is the last untrusted one.
      await expect(rawSocket(url, undefined, forwarded('198.51.100.1, 127.0.0.1'))).rejects.toThrow('upgrade refused: 429');
      const other = await authenticated(url, forwarded('198.51.100.2'));
      const proxy = await authenticated(url);
      const v6 = [];
      for (const host of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3']) v6.push(await authenticated(url, forwarded(host)));
      await expect(rawSocket(url, undefined, forwarded('2001:db8:1:2::4'))).rejects.toThrow('upgrade refused: 429');
      const nextBlock = await authenticated(url, forwarded('2001:db8:1:3::1'));
      expect(held(proxied)).toEqual({ '198.51.100.1': 3, '198.51.100.2': 1, '127.0.0.1': 1, '2001:db8:1:2::/64': 3, '2001:db8:1:3::/64': 1 });

      await closeAll(...one, other, proxy, ...v6, nextBlock);
      await waitFor('every socket to be released', async () => Object.keys(held(proxied)).length === 0);
      // The server goes on: a normal subscription works.
      const sub = await live<MessageEvent>(client(proxied, root), MESSAGES);
      const { id } = await notify(proxied);
      await waitFor('the sent event', async () => sub.events.some((e) => e.id === id && e.status === 'sent'));
      sub.dispose();
    });
  });

  describe('retryMessage', () => {
    const RETRY = `mutation R($id: ID!) { retryMessage(id: $id) { ${MESSAGE_FIELDS} } }`;

    it('queues a failed message again; it is sent, and subscribers see it', async () => {
      fakes.mailgun.failNext(1, 400);
      const { id } = await notify(a);
      await waitFor('the message to fail', async () => (await row(id))?.status === 'failed');
      const sub = await live<MessageEvent>(client(a, root), MESSAGES);
      const res = await graphql(a, RETRY, { id }, root);
      expect(res.errors).toBeUndefined();
      expect(res.data!.retryMessage).toMatchObject({ id, status: 'queued', failureReason: null });
      await waitFor('the retried message to be sent', async () => (await row(id))?.status === 'sent');
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
      const attempts = (await a.db.query('SELECT number, outcome FROM message_attempt WHERE message_id = $1 ORDER BY number', [id])).rows;
      expect(attempts).toEqual([
        { number: 1, outcome: 'failed' },
        { number: 2, outcome: 'sent' },
      ]);
      await waitFor('the events', async () => sub.events.some((e) => e.id === id && e.status === 'sent'));
      expect(sub.events.filter((e) => e.id === id).map((e) => e.status)).toEqual(['queued', 'sending', 'sent']);
      sub.dispose();
      // The REST twin answers the same refusal for a message that is not failed.
      const rest = await a.http().post(`/api/v1/messaging/messages/${id}/retry`).set(bearer(root));
      expect(rest.status).toBe(400);
      expect(rest.body).toEqual({ detail: `Message ${id} is sent: only a failed message can be retried` });
    });

    it('refuses a message that is not failed with BAD_USER_INPUT and changes nothing', async () => {
      const { id } = await notify(a);
      await waitFor('the message to be sent', async () => (await row(id))?.status === 'sent');
      const before = (await a.db.query('SELECT * FROM message WHERE id = $1', [id])).rows[0];
      const res = await graphql(a, RETRY, { id }, root);
      expect(res.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
      expect((await a.db.query('SELECT * FROM message WHERE id = $1', [id])).rows[0]).toEqual(before);
      expect((await graphql(a, RETRY, { id: randomUUID() }, root)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect((await graphql(a, RETRY, { id }, reader)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('leaves a suppressed recipient unsent', async () => {
      fakes.mailgun.failNext(1, 400);
      const { id, email } = await notify(a);
      await waitFor('the message to fail', async () => (await row(id))?.status === 'failed');
      await a.http().post('/api/v1/messaging/suppressions').set(bearer(root)).send({ email }).expect(200);
      const calls = fakes.mailgun.requests.length;
      expect((await graphql(a, RETRY, { id }, root)).errors).toBeUndefined();
      const failedAgain = await waitFor('the retry to end', async () => {
        const r = (await a.db.query('SELECT status, attempts, failure_reason FROM message WHERE id = $1', [id])).rows[0];
        return r.status === 'failed' && r.attempts === 2 ? r : undefined;
      });
      expect(failedAgain.failure_reason).toMatch(/suppressed/);
      expect(fakes.mailgun.requests.length).toBe(calls);
    });
  });

  it('providerCircuits reports an open circuit after the failures that open it', async () => {
    const before = await graphql(a, '{ providerCircuits { serviceType state openUntil recentFailures } }', {}, root);
    expect(before.errors).toBeUndefined();
    expect((before.data!.providerCircuits as { state: string }[]).every((c) => c.state === 'closed')).toBe(true);
    // The configured provider is listed before it ever failed.
    expect((before.data!.providerCircuits as { serviceType: string }[]).map((c) => c.serviceType)).toContain('MAILGUN');
    fakes.mailgun.failNext(5, 503);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await notify(a)).id);
    await waitFor('five failures', async () => {
      const { rows } = await a.db.query(`SELECT count(*)::int AS n FROM message WHERE id = ANY($1::uuid[]) AND status = 'failed'`, [ids]);
      return rows[0].n === 5;
    });
    for (const app of [a, b]) {
      const res = await graphql(app, '{ providerCircuits { serviceType state openUntil recentFailures } }', {}, root);
      expect(res.data!.providerCircuits).toEqual([{ serviceType: 'MAILGUN', state: 'open', openUntil: expect.any(String), recentFailures: 0 }]);
    }
    expect((await graphql(a, '{ providerCircuits { state } }', {}, reader)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
  it('privacyRequestUpdated fires on approve and deny', async () => {
    const sub = await live<{ id: string; status: string }>(
      client(a, root),
      'subscription Requests($statuses: [PrivacyRequestStatus!]) { privacyRequestUpdated(statuses: $statuses) { id status policyKey } }',
      { statuses: ['APPROVED', 'DENIED', 'PENDING'] },
    );
    const create = async () => {
      const res = await a
        .http()
        .post('/api/v1/privacy-request')
        .set(bearer(root))
        .send([{ identity: { email: `pr.${randomUUID()}@example.org` }, policy_key: 'default_access_policy' }])
        .expect(200);
      return res.body.succeeded[0].id as string;
    };
    const [approved, denied] = [await create(), await create()];
    await waitFor('both pending', async () => sub.events.filter((e) => e.status === 'PENDING').length >= 2);
    const review = (await graphql(a, 'mutation A($ids: [ID!]!) { approvePrivacyRequests(ids: $ids) { succeeded { id } } }', { ids: [approved] }, root)).data;
    expect(review).toBeTruthy();
    await graphql(a, 'mutation D($ids: [ID!]!) { denyPrivacyRequests(ids: $ids, reason: "no") { succeeded { id } } }', { ids: [denied] }, root);
    await waitFor('the approve event', async () => sub.events.some((e) => e.id === approved && e.status === 'APPROVED'));
    await waitFor('the deny event', async () => sub.events.some((e) => e.id === denied && e.status === 'DENIED'));
    expect(sub.events.every((e) => ['APPROVED', 'DENIED', 'PENDING'].includes(e.status))).toBe(true);
    // Reader has privacy-request:read: allowed here.
    const readerSub = await live(client(a, reader), `subscription { privacyRequestUpdated(id: "${approved}") { id status } }`);
    expect(readerSub.errors).toEqual([]);
    readerSub.dispose();
    sub.dispose();
  });
});

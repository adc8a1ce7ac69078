// The urql client of one session: queries and mutations over HTTP POST /graphql, subscriptions over graphql-ws on the
// same address, the bearer token on both (a header; the connection_init payload). No cookies: credentials omitted.
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export interface SessionClient {
  client: Client;
  /** Closes the WebSocket (sign-out). */
  dispose: () => void;
  /** Whether the live connection is up, and a way to hear when that changes. */
  live: LiveState;
}

export class LiveState {
  connected = false;
  private listeners = new Set<(connected: boolean) => void>();
  set(connected: boolean): void {
    this.connected = connected;
    for (const listener of this.listeners) listener(connected);
  }
  listen(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

export const isUnauthenticated = (error: CombinedError | undefined): boolean =>
  error !== undefined &&
  ((error.response as { status?: number } | undefined)?.status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED'));

export function createSessionClient(token: string, onUnauthenticated: () => void): SessionClient {
  const live = new LiveState();
  const wsUrl = new URL('/graphql', window.location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws: WsClient = createWsClient({
    url: wsUrl.href,
    connectionParams: { Authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: 5,
    on: {
      connected: () => live.set(true),
      closed: (event) => {
        live.set(false);
        // 4401/4403: graphql-ws's "unauthorized"/"forbidden" close codes.
        const code = (event as { code?: number } | undefined)?.code;
        if (code === 4401 || code === 4403) onUnauthenticated();
      },
    },
  });
  const client = new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` }, credentials: 'omit' }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, live, dispose: () => void ws.dispose() };
}

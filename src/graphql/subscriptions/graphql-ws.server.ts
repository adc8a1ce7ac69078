import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  GraphQLError,
  OperationTypeNode,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Context, type SubscribePayload } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import { OauthClientsService, type Caller } from '../../auth/index.js';
import { hostileOperationError } from '../../common/validation/hostile-graphql.plugin.js';
import { SETTINGS, type Settings } from '../../config/index.js';
import { formatGraphqlError } from '../graphql-errors.js';
import { GRAPHQL_MAX_TOKENS } from '../graphql.options.js';
import { aliasesPerRootFieldRule, depthLimitRule, fieldCountRule, withoutSuggestions } from '../limits/index.js';
import { websocketOperationTypesRule } from '../operation-types.rule.js';
import { trustOf, upgradeAddress } from './upgrade-address.js';

/** A frame larger than this closes the socket (1009): subscribe messages are small. */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024;
/** A socket that has not sent `connection_init` by then is closed (4408). */
const CONNECTION_INIT_WAIT_MS = 5_000;
/** Unsent bytes a socket may hold: past it the consumer is too slow and is closed (1013), so memory stays bounded. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Pings keep proxies from dropping idle sockets; a socket that does not answer within the next period is cut. */
const KEEP_ALIVE_MS = 15_000;
/** How often open connections' tokens are checked again: an expired token or a deleted client ends the connection (4403). */
const REAUTHENTICATE_MS = 30_000;
const PATHS = new Set(['/graphql', '/graphql/']);

/** What one connection holds: its caller (after `connection_init`) and its active subscriptions. */
interface Connection {
  socket: WebSocket;
  id: string;
  authorization?: string;
  caller?: Caller;
  active: Set<string>;
}

type Extra = { connection: Connection };

/**
 * GraphQL subscriptions over graphql-ws on the HTTP server's `/graphql` (queries and mutations stay on HTTP): the
 * schema Nest built, the same validation limits as Apollo's (decision D17), the same bearer tokens (given in
 * `connection_init`, refused with 4403) and the same resolvers, so the same `@Scopes` and error codes. Everything a
 * client without a token can reach is bounded: the frame size, the wait for `connection_init`, the connections per
 * instance and per client address (so one address cannot take them all); with a token, the subscriptions per
 * connection and per client, and the bytes waiting on a socket.
 */
@Injectable()
export class GraphqlWsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GraphqlWs');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES, handleProtocols });
  private readonly perClient = new Map<string, number>();
  /** Open sockets (pending and authenticated) per client address: an entry lives only while its address has one. */
  private readonly perAddress = new Map<string, number>();
  private readonly trust: ReturnType<typeof trustOf>;
  private readonly connections = new Set<Connection>();
  private readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(request, socket, head);
  private sequence = 0;
  private sweep: NodeJS.Timeout | undefined;
  private schema: GraphQLSchema | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly clients: OauthClientsService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    this.trust = trustOf(settings.trustProxy);
  }

  onApplicationBootstrap(): void {
    this.schema = this.moduleRef.get(GraphQLSchemaHost, { strict: false }).schema;
    const server = makeServer<Record<string, unknown>, Extra>({
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      onConnect: (ctx) => this.connect(ctx),
      onSubscribe: (ctx, id, payload) => this.subscribe(ctx, id, payload),
      onComplete: (ctx, id) => this.release(ctx.extra.connection, id),
      onNext: (_ctx, _id, _payload, _args, result) => this.formatted(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => this.format(error)),
    });
    this.wss.on('connection', (socket: WebSocket) => this.opened(server, socket));
    this.httpServer().on('upgrade', this.upgrade);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    this.httpServer().off('upgrade', this.upgrade);
    for (const socket of this.wss.clients) socket.close(1001, 'Going away');
    // A client that does not answer the closing handshake is cut after a second, not ws's 30.
    const closed = new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    for (const socket of this.wss.clients) socket.terminate();
    await closed;
  }

  private httpServer(): Server {
    return this.adapterHost.httpAdapter.getHttpServer() as Server;
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (!PATHS.has(path)) return refuse(socket, 404, 'Not Found');
    // The handshake completes synchronously, so the count of clients is exact here.
    if (this.wss.clients.size >= this.settings.graphqlWs.maxConnections) return refuse(socket, 503, 'Service Unavailable');
    const address = upgradeAddress(request, this.trust);
    if ((this.perAddress.get(address) ?? 0) >= this.settings.graphqlWs.maxConnectionsPerAddress) return refuse(socket, 429, 'Too Many Requests');
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // Counted only once the handshake succeeded (ws answers a bad one itself), and released when the socket closes.
      this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
      ws.once('close', () => {
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.perAddress.set(address, left);
        else this.perAddress.delete(address);
      });
      this.wss.emit('connection', ws, request);
    });
  }

  private opened(server: ReturnType<typeof makeServer<Record<string, unknown>, Extra>>, socket: WebSocket): void {
    const connection: Connection = { socket, id: `ws-${++this.sequence}`, active: new Set() };
    this.connections.add(connection);
    this.sweep ??= setInterval(() => void this.reauthenticate(), REAUTHENTICATE_MS).unref();
    // ws closes the socket itself after a protocol error (an oversized frame: 1009); nothing else to do.
    socket.on('error', (error) => this.logger.debug(`websocket ${connection.id}: ${error.message}`));
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== WebSocket.OPEN) return resolve();
            if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
              socket.close(1013, 'Too slow: events are not being read');
              return resolve();
            }
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer, isBinary: boolean) => {
            if (isBinary) return socket.close(CloseCode.BadRequest, 'Binary messages are not accepted');
            handle(data.toString('utf8')).catch((error: Error) => {
              this.logger.error({ err: error }, `websocket ${connection.id}: message handling failed`);
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { connection },
    );
    socket.once('close', (code: number, reason: Buffer) => {
      clearInterval(keepAlive);
      this.connections.delete(connection);
      for (const id of [...connection.active]) this.release(connection, id);
      void closed(code, reason.toString());
    });
  }

  /** `connection_init`: the bearer token of its payload (`Authorization`, or `authorization`); false closes with 4403. */
  private async connect(ctx: Context<Record<string, unknown>, Extra>): Promise<boolean> {
    const params = ctx.connectionParams ?? {};
    const header = params.Authorization ?? params.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const caller = match ? await this.clients.authenticate(match[1]) : undefined;
    if (!caller) return false;
    ctx.extra.connection.caller = caller;
    ctx.extra.connection.authorization = `Bearer ${match![1]}`;
    return true;
  }

  /** A `subscribe` message: the caps, then Apollo's parsing and validation limits; the resolvers check the scopes. */
  private subscribe(ctx: Context<Record<string, unknown>, Extra>, id: string, payload: SubscribePayload) {
    const { connection } = ctx.extra;
    const { maxSubscriptionsPerConnection, maxSubscriptionsPerClient } = this.settings.graphqlWs;
    const clientId = connection.caller!.clientId;
    if (connection.active.size >= maxSubscriptionsPerConnection) {
      return [refusal(`Too many subscriptions on this connection: at most ${maxSubscriptionsPerConnection} at once`, 'TOO_MANY_REQUESTS')];
    }
    if ((this.perClient.get(clientId) ?? 0) >= maxSubscriptionsPerClient) {
      return [refusal(`Too many subscriptions for this client: at most ${maxSubscriptionsPerClient} at once on this instance`, 'TOO_MANY_REQUESTS')];
    }
    if (typeof payload.query !== 'string') return [refusal('The subscribe payload needs a query', 'BAD_USER_INPUT')];
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: GRAPHQL_MAX_TOKENS });
    } catch (error) {
      return [refusal((error as GraphQLError).message, 'GRAPHQL_PARSE_FAILED')];
    }
    const schema = this.schema!;
    const errors = validate(schema, document, [...specifiedRules, websocketOperationTypesRule, depthLimitRule(), fieldCountRule(), aliasesPerRootFieldRule()], {
      maxErrors: 10,
    });
    if (errors.length > 0)
      return errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [refusal('Unable to identify the operation: name it with operationName', 'BAD_USER_INPUT')];
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return [refusal(`Only subscriptions go over the websocket: send ${operation.operation} operations to POST /graphql`, 'BAD_USER_INPUT')];
    }
    const variables = payload.variables ?? undefined;
    const hostile = hostileOperationError(variables, payload.operationName, payload.query, document, connection.id);
    if (hostile) return [hostile];
    connection.active.add(id);
    this.perClient.set(clientId, (this.perClient.get(clientId) ?? 0) + 1);
    return {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: variables,
      // What the scope guard and the error filter read of an HTTP request.
      contextValue: { req: { id: connection.id, headers: { authorization: connection.authorization } } },
    };
  }

  private release(connection: Connection, id: string): void {
    if (!connection.active.delete(id) || !connection.caller) return;
    const clientId = connection.caller.clientId;
    const left = (this.perClient.get(clientId) ?? 1) - 1;
    if (left > 0) this.perClient.set(clientId, left);
    else this.perClient.delete(clientId);
  }

  /** Tokens expire and clients are deleted while a connection stays open: such a connection is closed (4403). */
  private async reauthenticate(): Promise<void> {
    if (this.connections.size === 0) {
      clearInterval(this.sweep);
      this.sweep = undefined;
      return;
    }
    for (const connection of [...this.connections]) {
      if (!connection.authorization) continue;
      const caller = await this.clients.authenticate(connection.authorization.slice('Bearer '.length)).catch(() => connection.caller);
      if (!caller) connection.socket.close(CloseCode.Forbidden, 'Forbidden');
    }
  }

  private formatted(result: ExecutionResult): ExecutionResult | undefined {
    if (!result.errors) return undefined;
    return { ...result, errors: result.errors.map((error) => this.format(error)) } as unknown as ExecutionResult;
  }

  /** As Apollo formats them over HTTP (decision D17: no suggestions unless introspection is on). */
  private format(error: GraphQLError) {
    const formatted = formatGraphqlError(error.toJSON());
    const shown = this.settings.graphqlIntrospection ? formatted : withoutSuggestions(formatted);
    // Anything without a code is an internal error, as Apollo names it.
    return shown.extensions?.code ? shown : { ...shown, extensions: { ...shown.extensions, code: 'INTERNAL_SERVER_ERROR' } };
  }
}

function refusal(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** An upgrade Herald does not take: a plain HTTP answer, then the socket is closed. */
function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

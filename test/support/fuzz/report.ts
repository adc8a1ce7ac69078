import type { Answer, LogEvent } from './harness.js';
import type { FuzzRequest } from './request.js';

/** A request the fuzz counts as a failure: a 5xx, a GraphQL INTERNAL_SERVER_ERROR, or no HTTP answer at all. */
export interface Failure {
  index: number;
  request: FuzzRequest;
  status: Answer['status'];
  /** The answer's body, cut to 1,000 characters. */
  body: string;
  requestId?: string;
  events: LogEvent[];
  graphqlMessage?: string;
}

const MAX_KEPT_FAILURES = 400;
/** Failures past this many keep their request without most of its body (bodies go up to 1 MiB). */
const MAX_FULL_FAILURES = 40;

export type Verdict = { failed: false } | { failed: true; reason: string };

/** Whether an answer fails the fuzz, and why. */
export function verdict(request: FuzzRequest, answer: Answer): Verdict {
  // Fastify's client-error answer (400/431 to a request it cannot parse) carries a body even for HEAD; Node's client
  // then reads the body as the next answer. That answer came, and was a 4xx: not a failure here.
  if (answer.status === 'no answer' && request.method === 'HEAD' && answer.error?.startsWith('HPE_')) return { failed: false };
  // A body past the 1 MiB limit is answered 413 at once and the connection closed while the client still writes.
  if (answer.status === 'no answer' && closedOnOversizedBody(request, answer)) return { failed: false };
  if (answer.status === 'no answer') return { failed: true, reason: `no answer (${answer.error})` };
  if (answer.status >= 500) return { failed: true, reason: `HTTP ${answer.status}` };
  const internal = graphqlErrors(request, answer).find((e) => e.code === 'INTERNAL_SERVER_ERROR');
  if (internal) return { failed: true, reason: `GraphQL INTERNAL_SERVER_ERROR: ${internal.message}` };
  return { failed: false };
}

const BODY_LIMIT = 1024 * 1024;
const closedOnOversizedBody = (request: FuzzRequest, answer: Answer) =>
  (request.body?.length ?? 0) > BODY_LIMIT && /^(EPIPE|ECONNRESET)/.test(answer.error ?? '');

export function graphqlErrors(request: FuzzRequest, answer: Answer): { code: string; message: string }[] {
  if (request.kind !== 'graphql' || !String(answer.headers['content-type'] ?? '').includes('json')) return [];
  try {
    const parsed = JSON.parse(answer.body.toString('utf8')) as unknown;
    const results = Array.isArray(parsed) ? parsed : [parsed];
    return results.flatMap((r: { errors?: { message?: string; extensions?: { code?: string } }[] }) =>
      (r?.errors ?? []).map((e) => ({ code: String(e.extensions?.code ?? '(no code)'), message: String(e.message ?? '') })),
    );
  } catch {
    return [{ code: '(answer is not JSON)', message: answer.body.toString('utf8').slice(0, 200) }];
  }
}

const tally = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** Counts of a fuzz run, and the failures and log problems it met. */
export class FuzzStats {
  requests = 0;
  readonly byClass = new Map<string, number>();
  readonly byStatus = new Map<string, number>();
  readonly byKind = new Map<string, Map<string, number>>();
  readonly byOperation = new Map<string, Map<string, number>>();
  readonly graphqlCodes = new Map<string, number>();
  readonly failures: Failure[] = [];
  failureCount = 0;
  /** Answers under 500 whose request logged at error level (D19: client errors log at most one warning). */
  readonly errorLogsOnClientErrors = new Map<string, { count: number; example: string }>();
  /** Error lines of no request of the fuzz (the outbox, jobs), by message. */
  readonly backgroundErrors = new Map<string, number>();
  warnLines = 0;
  largestAnswer = { size: 0, operation: '' };
  readonly slowest: { ms: number; operation: string; request: string }[] = [];
  elapsedMs = 0;
  peakRss = 0;
  private readonly recent = new Map<string, { failure?: Failure; status: Answer['status']; operation: string }>();

  record(index: number, request: FuzzRequest, answer: Answer): Verdict {
    this.requests++;
    const cls =
      typeof answer.status === 'number'
        ? `${Math.floor(answer.status / 100)}xx`
        : request.method === 'HEAD' && answer.error?.startsWith('HPE_')
          ? 'HEAD answer with a body'
          : closedOnOversizedBody(request, answer)
            ? 'closed on an oversized body'
            : 'no answer';
    tally(this.byClass, cls);
    tally(this.byStatus, String(answer.status));
    const kind = this.byKind.get(request.kind) ?? new Map<string, number>();
    this.byKind.set(request.kind, kind);
    tally(kind, cls);
    tally(kind, 'total');
    const op = this.byOperation.get(request.operation) ?? new Map<string, number>();
    this.byOperation.set(request.operation, op);
    tally(op, cls);
    tally(op, 'total');
    tally(op, `#${answer.status}`);
    for (const e of graphqlErrors(request, answer)) tally(this.graphqlCodes, e.code);
    if (request.kind === 'graphql' && typeof answer.status === 'number' && graphqlErrors(request, answer).length === 0) tally(this.graphqlCodes, '(no errors)');
    if (answer.size > this.largestAnswer.size) this.largestAnswer = { size: answer.size, operation: request.operation };
    this.slowest.push({ ms: answer.ms, operation: request.operation, request: short(request) });
    this.slowest.sort((a, b) => b.ms - a.ms).splice(5);

    const v = verdict(request, answer);
    let failure: Failure | undefined;
    if (v.failed) {
      this.failureCount++;
      const kept = this.failures.length < MAX_FULL_FAILURES ? request : { ...request, body: request.body?.subarray(0, 2048) };
      failure = failureOf(index, kept, answer, v.reason);
      if (this.failures.length < MAX_KEPT_FAILURES) this.failures.push(failure);
    }
    if (answer.requestId) {
      this.recent.set(answer.requestId, { failure, status: answer.status, operation: request.operation });
      if (this.recent.size > 200) this.recent.delete(this.recent.keys().next().value!);
    }
    return v;
  }

  /** Attributes log lines to the requests they belong to (lines may come after the answer). */
  absorb(events: LogEvent[]): void {
    for (const event of events) {
      if (event.level < 50) {
        this.warnLines++;
        continue;
      }
      const owner = event.requestId ? this.recent.get(event.requestId) : undefined;
      if (!owner) {
        tally(this.backgroundErrors, normalize(`${event.msg} ${event.errMessage ?? ''}`));
        continue;
      }
      if (owner.failure) owner.failure.events.push(event);
      else if (event.msg !== 'request errored') {
        const key = `${owner.operation}: ${normalize(event.errMessage ?? event.msg)}`;
        const entry = this.errorLogsOnClientErrors.get(key) ?? { count: 0, example: `status ${owner.status}, logged "${event.msg}" ${event.where ?? ''}` };
        entry.count++;
        this.errorLogsOnClientErrors.set(key, entry);
      }
    }
  }

  /** Failures grouped by cause: the error message logged for the request, else the answer. */
  groups(): { signature: string; count: number; operations: Set<string>; first: Failure }[] {
    const groups = new Map<string, { signature: string; count: number; operations: Set<string>; first: Failure }>();
    for (const f of this.failures) {
      const signature = signatureOf(f);
      const group = groups.get(signature) ?? { signature, count: 0, operations: new Set<string>(), first: f };
      group.count++;
      group.operations.add(f.request.operation);
      groups.set(signature, group);
    }
    return [...groups.values()];
  }

  summary(extra: Record<string, string | number>): string {
    const lines: string[] = [];
    const fmt = (map: Map<string, number>) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
    lines.push('=== Herald fuzz run ===');
    for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${v}`);
    lines.push(`requests: ${this.requests} (${fmt(this.byClass)})`);
    lines.push(`statuses: ${fmt(this.byStatus)}`);
    for (const [kind, counts] of this.byKind) lines.push(`  ${kind}: ${fmt(counts)}`);
    lines.push(`GraphQL error codes: ${fmt(this.graphqlCodes)}`);
    lines.push(`failures (5xx, INTERNAL_SERVER_ERROR, no answer): ${this.failureCount}`);
    for (const g of this.groups())
      lines.push(`  ${g.count} x ${g.signature}  [${[...g.operations].slice(0, 4).join('; ')}${g.operations.size > 4 ? '; ...' : ''}]`);
    lines.push(`error-level log lines on answers under 500: ${[...this.errorLogsOnClientErrors.values()].reduce((n, e) => n + e.count, 0)}`);
    for (const [k, e] of this.errorLogsOnClientErrors) lines.push(`  ${e.count} x ${k} (${e.example})`);
    lines.push(`error lines of no fuzz request (background): ${[...this.backgroundErrors.values()].reduce((a, b) => a + b, 0)}`);
    for (const [k, n] of this.backgroundErrors) lines.push(`  ${n} x ${k}`);
    lines.push(`warning lines: ${this.warnLines}`);
    lines.push(`largest answer: ${this.largestAnswer.size} bytes (${this.largestAnswer.operation})`);
    lines.push(`slowest: ${this.slowest.map((s) => `${Math.round(s.ms)} ms ${s.request}`).join(' | ')}`);
    lines.push('per operation (total / 2xx / 4xx / 5xx):');
    for (const [op, counts] of [...this.byOperation.entries()].sort()) {
      const codes = [...counts.entries()]
        .filter(([k]) => k.startsWith('#'))
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k.slice(1)}×${n}`)
        .join(' ');
      lines.push(
        `  ${op}: ${counts.get('total') ?? 0} / ${counts.get('2xx') ?? 0} / ${counts.get('4xx') ?? 0} / ${(counts.get('5xx') ?? 0) + (counts.get('no answer') ?? 0)}  (${codes})`,
      );
    }
    return lines.join('\n');
  }
}

export function failureOf(index: number, request: FuzzRequest, answer: Answer, reason: string, events: LogEvent[] = []): Failure {
  return {
    index,
    request,
    status: answer.status,
    body: answer.status === 'no answer' ? `(${answer.error})` : answer.body.toString('utf8').slice(0, 1000),
    requestId: answer.requestId,
    events,
    graphqlMessage: reason.startsWith('GraphQL') ? reason : undefined,
  };
}

export function signatureOf(f: Failure): string {
  const logged = f.events.find((e) => e.errMessage) ?? f.events.find((e) => e.msg !== 'request errored');
  const type = logged?.errType && logged.errType !== 'Object' ? ` ${logged.errType}` : '';
  if (logged) return `${f.status}${type}: ${normalize(logged.errMessage ?? logged.msg)}`;
  if (f.graphqlMessage) return normalize(f.graphqlMessage);
  return `${f.status} ${normalize(f.body.slice(0, 200))}`;
}

/** A message with ids, numbers and quoted values blurred, so one cause makes one group. */
export function normalize(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 180);
}

/** The request in one line for reports, long runs written as `'x'×n`. */
export function short(request: FuzzRequest, max = 300): string {
  const body = request.body ? ` ${compact(request.body.toString('latin1'))}` : '';
  const text = `${request.method} ${compact(request.path)}${body}`;
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** Runs of a repeated unit (up to 12 characters, 8 times or more) written as `⟨unit×n⟩`. */
export function compact(text: string): string {
  return text.replace(/([\s\S]{1,12}?)\1{7,}/g, (run, unit: string) => `⟨${unit}×${run.length / unit.length}⟩`);
}

/** A JavaScript expression for a string of bytes (Latin-1 characters), with runs as `.repeat(n)`; ASCII only. */
export function jsBytesExpression(text: string): string {
  const literal = (s: string) =>
    `'${[...s]
      .map((ch) => {
        const c = ch.charCodeAt(0);
        if (ch === "'" || ch === '\\') return `\\${ch}`;
        return c >= 0x20 && c < 0x7f ? ch : `\\x${c.toString(16).padStart(2, '0')}`;
      })
      .join('')}'`;
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/([\s\S]{1,12}?)\1{7,}/g)) {
    if (m.index > last) parts.push(literal(text.slice(last, m.index)));
    parts.push(`${literal(m[1])}.repeat(${m[0].length / m[1].length})`);
    last = m.index + m[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(literal(text.slice(last)));
  return parts.join(' + ');
}

/** A shell command printing the bytes (a Latin-1 string), runs written as `.repeat(n)`. */
function nodeBytes(text: string): string {
  return `node -e "process.stdout.write(Buffer.from(${jsBytesExpression(text).replace(/[\\"$`]/g, (c) => `\\${c}`)}, 'latin1'))"`;
}

/** A bash word for bytes: ANSI-C quoting, every byte outside printable ASCII as \xHH. */
function bash(text: string): string {
  return `$'${[...text]
    .map((ch) => {
      const c = ch.charCodeAt(0);
      if (ch === "'" || ch === '\\') return `\\${ch}`;
      return c >= 0x20 && c < 0x7f ? ch : `\\x${c.toString(16).padStart(2, '0')}`;
    })
    .join('')}'`;
}

/**
 * A curl command that sends the same bytes (`$HERALD` is the base URL, `$TOKEN` a root token). Long or repetitive
 * bodies come from a `node -e` expression, piped in.
 */
export function curl(request: FuzzRequest): string {
  const args = ['curl -sS -g --path-as-is', `-X ${request.method}`];
  if (request.method === 'HEAD') args[1] = '-I';
  const path = compact(request.path) === request.path ? bash(request.path) : `"$(${nodeBytes(request.path)})"`;
  args.push(`"$HERALD"${path}`);
  for (const [k, v] of request.headers) args.push(`-H ${bash(`${k}: ${v.length > 500 ? `${v.slice(0, 500)}...` : v}`)}`);
  if (request.auth.kind === 'root') args.push('-H "Authorization: Bearer $TOKEN"');
  if (request.auth.kind === 'garbage')
    args.push(`-H ${bash(`authorization: ${request.auth.header.length > 200 ? compact(request.auth.header) : request.auth.header}`)}`);
  if (!request.body) return args.join(' ');
  const text = request.body.toString('latin1');
  if (text.length <= 400 && !text.includes('\0') && compact(text) === text) return [...args, `--data-binary ${bash(text)}`].join(' ');
  const node = nodeBytes(text);
  return `${node.length > 4000 ? `${node.slice(0, 4000)}...(cut)` : node} | ${[...args, '--data-binary @-'].join(' ')}`;
}

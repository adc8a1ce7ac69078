/**
 * What Herald prints for a person at start-up, apart from its logs: the choice of log format, and the banner that closes
 * the start-up. Nothing here imports a library, so that main.ts can check `LOG_FORMAT` with the other settings before
 * the framework loads (a bad setting is then said in a fifth of a second).
 */

/** How log lines are written: one JSON object per line (for machines), or coloured text for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * `LOG_FORMAT`: `json` or `pretty` (any case) decide; unset, the format is pretty when stdout is a terminal and JSON
 * otherwise (a pipe, a file, a container's log collector). Undefined for any other value: the caller says so and stops.
 */
export function chooseLogFormat(value: string | undefined, stdoutIsTerminal: boolean): LogFormat | undefined {
  const given = value?.trim().toLowerCase() ?? '';
  if (given === '') return stdoutIsTerminal ? 'pretty' : 'json';
  return given === 'json' || given === 'pretty' ? given : undefined;
}

/** What `chooseLogFormat` accepts, as the one-line error for anything else says it. */
export const LOG_FORMAT_RULE = 'must be json or pretty (unset: pretty when stdout is a terminal, JSON otherwise)';

/** What the start-up banner says; main.ts gathers it once Herald listens. */
export interface BannerFacts {
  /** The address Herald is bound to, e.g. `http://127.0.0.1:8080`. */
  listening: string;
  version: string;
  /** The embedded PostgreSQL's data dir, or undefined for an external database (`DATABASE_URL`). */
  dataDir: string | undefined;
  /** The root client's id, and where its secret lives: the data dir's secrets file, or the environment. */
  rootClientId: string;
  secretsFile: string | undefined;
  /** Where people reach Herald, when it is not where it listens (`HERALD_PUBLIC_URL`). */
  publicUrl?: string;
  /**
   * The first start on a new data dir: the generated root client secret is shown here, and only here, once (it stays
   * in the data dir's secrets file). A secret the environment supplied (`rootClientSecret` undefined) is never echoed.
   */
  firstStart?: { secretsFile: string; rootClientSecret: string | undefined; appEncryptionKeyGenerated: boolean };
}

/**
 * The lines printed once Herald listens: where it answers, where its data is, and how to get a token. Never a secret,
 * except the root client secret generated at the first start on a new data dir, shown there once.
 */
export function startupBanner(facts: BannerFacts, colors: { bold: (s: string) => string; cyan: (s: string) => string } = plain): string {
  const { listening } = facts;
  // Bound to every interface: the links name the loopback address, which answers too.
  const base = listening.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  const row = (label: string, value: string) => `  ${label.padEnd(13)}${value}`;
  const lines = [
    `Herald listening on ${listening} (version ${facts.version})`,
    row('REST API', colors.cyan(`${base}/api/v1`)),
    row('API docs', colors.cyan(`${base}/docs`)),
    row('GraphQL', colors.cyan(`${base}/graphql`)),
    row('health', colors.cyan(`${base}/health`)),
    ...(facts.publicUrl && facts.publicUrl !== base ? [row('public URL', `${facts.publicUrl} (HERALD_PUBLIC_URL)`)] : []),
    row('database', facts.dataDir === undefined ? 'external PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL, data dir ${facts.dataDir}`),
    row(
      'root client',
      `${facts.rootClientId}, secret ${facts.secretsFile === undefined ? 'from FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET' : `in ${facts.secretsFile}`}`,
    ),
  ];
  const first = facts.firstStart;
  if (first) {
    lines.push(
      '',
      colors.bold(`First start: created the embedded PostgreSQL in ${facts.dataDir}.`),
      `Credentials generated for settings left unset are kept in ${first.secretsFile} (mode 0600):`,
      `  root client id:      ${facts.rootClientId}`,
      `  root client secret:  ${first.rootClientSecret === undefined ? '(from FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET)' : colors.bold(first.rootClientSecret)}`,
      `  app encryption key:  ${first.appEncryptionKeyGenerated ? '(in the file)' : '(from FIDES__SECURITY__APP_ENCRYPTION_KEY)'}`,
      ...(first.rootClientSecret === undefined ? [] : ['The secret is shown this once; later starts say where it is.']),
    );
  }
  return `${lines.join('\n')}\n`;
}

const plain = { bold: (s: string) => s, cyan: (s: string) => s };

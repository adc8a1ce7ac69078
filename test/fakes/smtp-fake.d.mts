export interface SmtpMessage {
  /** The envelope's MAIL FROM and RCPT TO addresses. */
  from: string;
  to: string[];
  /** The login used (AUTH). */
  user: unknown;
  /** Whether the session was under TLS (STARTTLS or implicit). */
  secure: boolean;
  /** The message as sent (headers and body). */
  raw: string;
  /** Its headers, lower-case names, unfolded. */
  headers: Record<string, string>;
  subject: string | undefined;
  /** The first text/plain and text/html parts, decoded. */
  text: string | undefined;
  html: string | undefined;
  receivedAt: Date;
  /** The reply code given to its data (250, or the one asked for with failNext). */
  code?: number;
}

export interface SmtpFakeOptions {
  host?: string;
  port?: number;
  /** TLS from the start (port 465 style); otherwise STARTTLS is offered. */
  secure?: boolean;
  /** The only login accepted; any non-empty one when not given. */
  username?: string;
  password?: string;
  onMessage?: (message: SmtpMessage) => void;
}

export interface SmtpFake {
  readonly name: 'smtp';
  readonly port: number;
  readonly host: string;
  /** The self-signed certificate (PEM), to trust through HERALD_SMTP_CA_FILE. */
  readonly cert: string;
  readonly messages: SmtpMessage[];
  readonly attempts: SmtpMessage[];
  failNext(count: number, code: number, message?: string): void;
  setDelay(ms: number): void;
  reset(): void;
  waitForMessages(count: number, timeoutMs?: number): Promise<SmtpMessage[]>;
  close(): Promise<void>;
}

export function parseMessage(raw: string): Pick<SmtpMessage, 'headers' | 'subject' | 'text' | 'html'>;
export function startSmtpFake(options?: SmtpFakeOptions): Promise<SmtpFake>;

/** HTTP controls for another shell: POST /__fake/fail?count=&code=&message=, /__fake/delay?ms=, /__fake/reset; GET /__fake/messages. */
export function startSmtpFakeControls(fake: SmtpFake, options?: { host?: string; port?: number }): Promise<{ url: string; close(): Promise<void> }>;

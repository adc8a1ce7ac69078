import { spawn, type ChildProcess } from 'node:child_process';
import { killServerAndBackends, readPostmasterFile } from './leftover-server.js';
import { signal, sleep } from './process-info.js';

/**
 * `running`: accepting connections. `restarting`: it died under a running Herald, which is bringing it back.
 * `stopping`/`stopped`: Herald stops it (or never started it).
 */
export type EmbeddedState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

export interface SupervisorOptions {
  postgres: string;
  pgDir: string;
  port: number;
  flags: string[];
  /** The `postgres` account when Herald runs as root (PostgreSQL refuses root). */
  uid?: number;
  gid?: number;
  /** The server's own log lines (noisy). */
  onLog: (line: string) => void;
  /** One line per change of state, for the operator. */
  onNotice: (line: string) => void;
}

const READY_TIMEOUT_MS = 120_000; // crash recovery replays the WAL first
const STOP_GRACE_MS = 30_000;
const RESTART_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 5_000, 10_000];

/**
 * Runs the embedded PostgreSQL as a child in its own session and process group (so a terminal's Ctrl-C reaches only
 * Herald, which stops the app first and the database last), restarts it when it dies, and stops it on request.
 *
 * Beside each server runs a tiny watchdog (`sh`) reading a pipe from Herald: when Herald dies without stopping the
 * server (`kill -9`, out of memory), the pipe closes and the watchdog asks the server for a fast shutdown, so no
 * server is left behind. A server that still is (the watchdog was killed too) is recognised at the next start.
 */
export class PostgresSupervisor {
  private child: ChildProcess | undefined;
  private watchdog: ChildProcess | undefined;
  private current: EmbeddedState = 'stopped';
  private readonly listeners = new Set<(state: EmbeddedState) => void>();
  private restarting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  get state(): EmbeddedState {
    return this.current;
  }

  /** Calls `listener` on every change of state; returns the function that removes it. */
  onStateChange(listener: (state: EmbeddedState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first start: rejects (and leaves nothing running) when the server does not come up. */
  async start(): Promise<void> {
    this.setState('starting');
    try {
      await this.spawnServer();
    } catch (error) {
      this.setState('stopped');
      throw error;
    }
    this.setState('running');
  }

  /** Stops the server (fast shutdown, then SIGKILL after a bound) and any restart in progress; safe to call again. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.setState('stopping');
      await this.stopChild();
      await this.restarting?.catch(() => undefined);
      this.setState('stopped');
    })();
    return this.stopping;
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    // The watchdog goes first: it must not act on a pid once its server is gone.
    this.killWatchdog();
    if (!child || exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => killServerAndBackends(child.pid!), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }

  private setState(state: EmbeddedState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }

  /** Spawns the server and resolves once it accepts connections (its postmaster.pid says `ready`). */
  private async spawnServer(): Promise<void> {
    const { postgres, pgDir, port, flags, uid, gid } = this.options;
    const child = spawn(postgres, ['-D', pgDir, '-p', String(port), ...flags], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      uid,
      gid,
      // Herald's environment holds its secrets; the server needs none of it.
      env: serverEnv(),
    });
    this.child = child;
    const tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.options.onLog(line);
        tail.push(line);
        if (tail.length > 5) tail.shift();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const exit = new Promise<string>((resolve) => {
      child.on('error', (error) => resolve(error.message));
      child.once('exit', (code, sig) => resolve(sig ? `killed by ${sig}` : `exit code ${code}`));
    });
    let settled = false;
    const ready = (async () => {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (!settled && !exited(child) && Date.now() < deadline) {
        const file = await readPostmasterFile(pgDir);
        if (file && file.pid === child.pid && file.status === 'ready') return true;
        await sleep(50);
      }
      return false;
    })();
    const outcome = await Promise.race([ready, exit]);
    settled = true;
    if (outcome !== true) {
      if (child.pid && !exited(child)) killServerAndBackends(child.pid);
      const reason = typeof outcome === 'string' ? outcome : `not ready after ${READY_TIMEOUT_MS / 1000} s`;
      throw new Error(`${reason}${tail.length ? `: ${tail.join(' | ')}` : ''}`);
    }
    this.startWatchdog(child.pid!);
    void exit.then((how) => this.onExit(child, how));
  }

  private startWatchdog(serverPid: number): void {
    if (process.platform === 'win32') return;
    // `read` returns when Herald's end of the pipe closes, which happens when Herald dies; a clean stop kills the
    // watchdog first. Its own session: a terminal's signals do not reach it. The cluster path is only there so that
    // the process table says whose watchdog it is.
    const watchdog = spawn('/bin/sh', ['-c', 'read _; kill -INT "$1" 2>/dev/null', 'herald-postgres-watchdog', String(serverPid), this.options.pgDir], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: serverEnv(),
    });
    watchdog.on('error', () => undefined);
    watchdog.stdin?.on('error', () => undefined);
    this.watchdog = watchdog;
  }

  private killWatchdog(): void {
    const watchdog = this.watchdog;
    this.watchdog = undefined;
    if (watchdog?.pid && !exited(watchdog)) signal(watchdog.pid, 'SIGKILL');
  }

  /** The server exited while Herald did not ask it to: bring it back, with a bounded backoff, until Herald stops. */
  private onExit(child: ChildProcess, how: string): void {
    if (child !== this.child || this.current === 'stopping' || this.current === 'stopped') return;
    this.killWatchdog();
    // Backends of a killed server hold its shared memory; a new server cannot start until they are gone. They are
    // in its process group, which outlives it.
    signal(-child.pid!, 'SIGKILL');
    const downSince = Date.now();
    this.options.onNotice(`The embedded PostgreSQL stopped unexpectedly (${how}); restarting it`);
    this.setState('restarting');
    this.restarting = (async () => {
      let failures = 0;
      for (;;) {
        await sleep(RESTART_DELAYS_MS[Math.min(failures, RESTART_DELAYS_MS.length - 1)]);
        if (this.current !== 'restarting') return;
        try {
          await this.spawnServer();
        } catch (error) {
          if (this.current !== 'restarting') return;
          // One line when it first fails, not one per attempt.
          if (failures === 0) this.options.onNotice(`The embedded PostgreSQL did not restart yet (${(error as Error).message}); still trying`);
          failures++;
          continue;
        }
        if (this.current !== 'restarting') {
          await this.stopChild();
          return;
        }
        this.setState('running');
        this.options.onNotice(`The embedded PostgreSQL is running again (down ${((Date.now() - downSince) / 1000).toFixed(1)} s)`);
        return;
      }
    })();
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function serverEnv(): NodeJS.ProcessEnv {
  const keep = Object.entries(process.env).filter(([name]) => name === 'PATH' || name === 'TZ' || name === 'LANG' || name.startsWith('LC_'));
  return Object.fromEntries(keep);
}

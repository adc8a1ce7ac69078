import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { childrenOf, commandLine, isRunning, parentPid, signal, waitGone } from './process-info.js';

/** What `postmaster.pid` says: the server's pid and, once it accepts connections, `ready` (line 8). */
export interface PostmasterFile {
  pid: number;
  status: string | undefined;
}

export async function readPostmasterFile(pgDir: string): Promise<PostmasterFile | undefined> {
  let text: string;
  try {
    // A small local file, read at once: through the thread pool, the start's readiness poll waited behind the reads
    // of the framework's thousands of modules loading meanwhile.
    text = readFileSync(join(pgDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  return Number.isInteger(pid) && pid > 0 ? { pid, status: lines[7]?.trim() || undefined } : undefined;
}

/** A server still running on the cluster: its pid, and whether its parent is a live Node process (a Herald). */
export interface LeftoverServer {
  pid: number;
  parentIsNode: boolean;
}

/**
 * The server `postmaster.pid` names, when it runs on this cluster. A pid that now belongs to another program makes
 * the file stale; it is removed, since PostgreSQL would refuse to start while that pid lives.
 */
export async function findLeftoverServer(pgDir: string): Promise<LeftoverServer | undefined> {
  const file = await readPostmasterFile(pgDir);
  if (!file || !isRunning(file.pid)) return undefined;
  const args = commandLine(file.pid);
  const line = args && ` ${args.join(' ')} `;
  // Unreadable arguments count as this cluster's server: removing the file of a live server would be far worse.
  if (line && !line.includes(` -D ${resolve(pgDir)} `)) {
    await unlink(join(pgDir, 'postmaster.pid')).catch(() => undefined);
    return undefined;
  }
  const ppid = parentPid(file.pid);
  const parentArgs = ppid && ppid > 1 ? commandLine(ppid) : undefined;
  return { pid: file.pid, parentIsNode: Boolean(parentArgs?.[0] && /(^|\/)node(js)?$/.test(parentArgs[0])) };
}

/**
 * Stops a server whose Herald is gone: a fast shutdown (SIGINT: sessions are cut, a checkpoint is written), then after
 * `graceMs` SIGKILL to the server and its backends, which must be gone before a new server can use the cluster.
 */
export async function stopServer(pid: number, graceMs: number): Promise<'stopped' | 'killed'> {
  signal(pid, 'SIGINT');
  if (await waitGone(pid, graceMs)) return 'stopped';
  killServerAndBackends(pid);
  await waitGone(pid, 5_000);
  return 'killed';
}

/** SIGKILL to a server and its backends: its whole process group when it leads one (as Herald starts it), else its children. */
export function killServerAndBackends(pid: number): void {
  const children = childrenOf(pid);
  signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  for (const child of children) signal(child, 'SIGKILL');
}

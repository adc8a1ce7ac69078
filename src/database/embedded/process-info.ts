import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

// Small synchronous reads of /proc (Linux), or of `ps` where there is no /proc (macOS): used at start-up and while
// stopping a server, never on a request path.

const hasProc = existsSync('/proc/self/stat');

/** One column of `ps` for a process, where there is no /proc; undefined when it is gone. */
function ps(pid: number, column: string): string | undefined {
  try {
    return execFileSync('ps', ['-o', `${column}=`, '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The fields of /proc/<pid>/stat after the command name ([0] is field 3, the state); undefined when gone. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may itself hold spaces and parentheses: the fields start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The kernel's start time of a process (clock ticks since boot): tells a reused pid from the original process. */
export function processStartTime(pid: number): string | undefined {
  return hasProc ? procStat(pid)?.[19] : ps(pid, 'lstart');
}

export function parentPid(pid: number): number | undefined {
  const ppid = hasProc ? procStat(pid)?.[1] : ps(pid, 'ppid');
  return ppid === undefined ? undefined : Number(ppid);
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const stat = procStat(pid);
  if (stat) return stat[0] !== 'Z' && stat[0] !== 'X';
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's arguments (split on spaces where there is no /proc), or undefined when it is gone. */
export function commandLine(pid: number): string[] | undefined {
  if (!hasProc) return ps(pid, 'args')?.split(/\s+/);
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** The pids whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  if (!hasProc) {
    try {
      const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
      return table
        .split('\n')
        .map((l) => l.trim().split(/\s+/).map(Number))
        .filter(([, ppid]) => ppid === pid)
        .map(([p]) => p);
    } catch {
      return [];
    }
  }
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => parentPid(p) === pid);
}

/** Sends a signal, ignoring a process (or group, with a negative pid) that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: gone already.
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the process is gone, for at most `ms`; true when it is gone. */
export async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

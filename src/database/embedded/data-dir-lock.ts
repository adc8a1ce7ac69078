import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunning, processStartTime } from './process-info.js';

/** The Herald process that holds a data dir: its pid and the kernel's start time of that pid (when known). */
export interface LockOwner {
  pid: number;
  startTime?: string;
}

/** Another live Herald holds the data dir: start-up stops with this one line. */
export class DataDirInUse extends Error {}

const FILE = 'herald.pid';
/** Lock files this process holds, so that a second start on the same data dir in one process is refused too. */
const held = new Set<string>();

export interface DataDirLock {
  /** The Herald that held the data dir before and is gone (killed, out of memory); undefined after a clean stop. */
  readonly previousOwner: LockOwner | undefined;
  release(): Promise<void>;
}

/**
 * Takes `<data dir>/herald.pid` (pid and start time, one per line) for this process. A file whose process is gone, or
 * whose pid now belongs to another program (another start time), is stale and replaced; a live owner is refused.
 */
export async function acquireDataDirLock(root: string): Promise<DataDirLock> {
  const file = join(root, FILE);
  const me: LockOwner = { pid: process.pid, startTime: processStartTime(process.pid) };
  let previousOwner: LockOwner | undefined;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      await writeFile(file, format(me), { flag: 'wx', mode: 0o644 });
      held.add(file);
      return { previousOwner, release: () => release(file, me) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await readText(file);
    if (text === undefined) continue;
    const owner = parse(text);
    if (owner && (held.has(file) || isAlive(owner))) {
      throw new DataDirInUse(`HERALD_DATA_DIR ${root} is in use by another Herald (pid ${owner.pid})`);
    }
    // Stale. Move it aside and drop it only if it is still the one judged: a Herald starting at the same moment may
    // have replaced it already, and its fresh lock goes back.
    const aside = `${file}.${process.pid}.stale`;
    try {
      await rename(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if ((await readText(aside)) !== text) await link(aside, file).catch(() => undefined);
    else previousOwner = owner;
    await unlink(aside).catch(() => undefined);
  }
  throw new Error(`could not take ${file}`);
}

function isAlive(owner: LockOwner): boolean {
  // Our own pid in the file is a previous life of this pid (a container restarted with the same pid).
  if (owner.pid === process.pid) return false;
  if (!isRunning(owner.pid)) return false;
  // The pid is taken, but by another program when its start time differs.
  return owner.startTime === undefined || processStartTime(owner.pid) === undefined || processStartTime(owner.pid) === owner.startTime;
}

async function release(file: string, me: LockOwner): Promise<void> {
  if (!held.delete(file)) return;
  if ((await readText(file)) === format(me)) await unlink(file).catch(() => undefined);
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const format = (owner: LockOwner) => `${owner.pid}\n${owner.startTime ?? ''}\n`;

function parse(text: string): LockOwner | undefined {
  const [pid, startTime] = text.split('\n');
  // An unreadable file (cut short by a crash while written) has no owner to protect.
  if (!/^\d+$/.test(pid ?? '')) return undefined;
  return { pid: Number(pid), startTime: startTime || undefined };
}

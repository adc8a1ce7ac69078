// BENCH_PROFILE=<file.cpuprofile>: a V8 CPU profile of this process over the measured rounds only (not start-up or
// warm-up), for reading the top frames of Herald's cost per request or message. Open it in Chrome's DevTools.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/** Starts profiling when BENCH_PROFILE is set; the returned function stops and writes the profile. */
export async function startProfile() {
  const file = process.env.BENCH_PROFILE;
  if (!file) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile of the measured rounds written to ${file}`);
  };
}

// Herald in a process of its own for the fuzz run (FUZZ_PROCESS=child): the app built from the TypeScript sources the
// test transpiled into argv[2], its settings from HERALD_FUZZ_ENV, log lines on stdout, and over IPC its port, its
// memory when asked, and a clean close. Run with --expose-gc so the parent can ask for a collection before reading RSS.
const [buildDir] = process.argv.slice(2);
const { createApp } = await import(`${buildDir}/src/app.factory.js`);
const { loadSettings } = await import(`${buildDir}/src/config/settings.js`);

const settings = loadSettings(JSON.parse(process.env.HERALD_FUZZ_ENV ?? '{}'));
const app = await createApp(settings, { logDestination: { write: (line) => void process.stdout.write(line) } });
await app.listen(0, '127.0.0.1');
process.send({ type: 'listening', port: app.getHttpServer().address().port });

// The test went away (killed, crashed): so does this Herald, rather than keep its port and database open.
process.on('disconnect', () => process.exit(0));

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
process.on('message', async (message) => {
  if (message.type === 'memory') {
    if (message.collect && globalThis.gc) {
      globalThis.gc();
      await pause(500);
      globalThis.gc();
    }
    process.send({ type: 'memory', usage: process.memoryUsage() });
  }
  if (message.type === 'snapshot') {
    const { writeHeapSnapshot } = await import('node:v8');
    process.send({ type: 'snapshot', path: writeHeapSnapshot(message.path) });
  }
  if (message.type === 'close') {
    await app.close();
    process.send({ type: 'closed' });
    process.disconnect();
  }
});

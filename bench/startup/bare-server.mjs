// The start-up baseline: the least a server on the embedded database can do before answering `/health`: start (or
// restart) the embedded PostgreSQL in the given data dir, connect a pg pool, listen with Fastify, SELECT 1 per probe.
//   node bench/startup/bare-server.mjs <data dir> <port>
import Fastify from 'fastify';
import pg from 'pg';
import { startEmbeddedDatabase } from '../../dist/database/embedded-database.js';

const [dataDir, port] = process.argv.slice(2);
const embedded = await startEmbeddedDatabase(dataDir, () => undefined);
const pool = new pg.Pool({ connectionString: embedded.url, max: 2 });
await pool.query('SELECT 1');
const app = Fastify();
app.get('/health', async () => {
  await pool.query('SELECT 1');
  return { status: 'ok' };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
const stop = async () => {
  await app.close();
  await pool.end();
  await embedded.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

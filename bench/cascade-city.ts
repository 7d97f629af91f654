/**
 * The city node of bench/cascade.ts, in a process of its own (as it would be on its own host):
 * started on the database given as its argument with 历下区's copy registered, it prints one JSON
 * line ({ url, token, target }) and serves until it receives SIGTERM.
 */
import { startHub } from '../src/http/index.js';
import { createLogger } from '../src/kernel/index.js';
import { registerResidents } from './cascade-resource.js';

const city = await startHub({
  databaseUrl: process.argv[2],
  host: '127.0.0.1',
  port: 0,
  logger: createLogger('silent'),
  generateKek: true,
  node: { role: 'city' },
});
const target = await registerResidents(city.hub);
const token = await city.hub.cascade.issueToken({ division: '370102', by: 'bench' });
console.log(JSON.stringify({ url: city.url.replace('localhost', '127.0.0.1'), token, target }));
process.once('SIGTERM', () => void city.close().then(() => process.exit(0)));

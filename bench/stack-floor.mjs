// The agent's stack and nothing of Lifeline: node with fastify, its WebSocket and static-file
// plugins, an SQLite database in WAL mode, valibot and yaml loaded, listening and idle. The idle
// benchmark runs it beside the agent and reports the agent's RSS as a ratio to this floor.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import * as v from 'valibot';
import { parse } from 'yaml';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-floor-'));
const db = new Database(path.join(dir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)');
v.parse(v.object({ a: v.number() }), parse('a: 1'));
const app = Fastify({ logger: false });
await app.register(fastifyWebsocket);
await app.register(fastifyStatic, { root: dir });
app.get('/ws', { websocket: true }, (socket) => socket.on('message', () => {}));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write('floor listening\n');

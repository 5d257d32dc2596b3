// Push throughput of a relay cluster: N `lifeline relay` processes sharing one PostgreSQL (the
// tests' private server, test/harness/postgres.ts) drain one queue of pushes into a local HTTPS
// push service that answers 201. Measured from the moment the rows are queued to the last push
// received, for 1 and 3 instances; every push must arrive exactly once.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadTestModule } from './test-code.mjs';

const BIN = fileURLToPath(new URL('../bin/lifeline.js', import.meta.url));
const PUSHES = 3000;

async function startPushSink(dir) {
  const key = path.join(dir, 'push.key');
  const cert = path.join(dir, 'push.pem');
  const { selfSignedCertificate } = await loadTestModule('harness', 'tls');
  selfSignedCertificate({
    certFile: cert,
    keyFile: key,
    subject: '127.0.0.1',
    altNames: ['IP:127.0.0.1'],
    days: 1,
  });
  const seen = new Map();
  const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.set(body, (seen.get(body) ?? 0) + 1);
      res.writeHead(201).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `https://127.0.0.1:${server.address().port}`, cert, seen, server };
}

function startRelay(dir, name, database, ca) {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `listen: { host: 127.0.0.1, port: 0 }\ndata: ./${name}\nhomes: []\nvapidSubject: mailto:bench@example.com\ncluster: { database: "${database}", instance: ${name} }\n`,
  );
  const child = spawn(process.execPath, [BIN, 'relay', '-c', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, LIFELINE_LOG: 'error' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (/Lifeline relay is running/.test(out)) resolve(child);
    });
    child.once('exit', () => reject(new Error(`relay exited:\n${out}`)));
  });
}

async function round(dir, instances, db, sink) {
  const relays = [];
  for (let i = 0; i < instances; i++)
    relays.push(await startRelay(dir, `r${instances}-${i}`, db.url, sink.cert));
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('DELETE FROM subscriptions; DELETE FROM push_queue');
  await client.query("INSERT INTO subscriptions (home_id, id, endpoint) VALUES ('bench', 's', $1)", [
    `${sink.url}/push/s`,
  ]);
  sink.seen.clear();
  const tag = `i${instances}-`;
  const t0 = Date.now();
  await client.query(
    `INSERT INTO push_queue (home_id, sub_id, body, ttl, urgency, next_at, created_at)
     SELECT 'bench', 's', convert_to($1 || i, 'UTF8'), 3600, 'normal', $2, $2 FROM generate_series(1, $3) i`,
    [tag, t0, PUSHES],
  );
  while (sink.seen.size < PUSHES && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
  const ms = Date.now() - t0;
  const twice = [...sink.seen.values()].filter((n) => n > 1).length;
  await client.end();
  for (const r of relays) r.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  return { perSecond: Math.round((sink.seen.size / ms) * 1000), delivered: sink.seen.size, twice };
}

export async function relayClusterBench() {
  const { PG_BIN, startPostgres } = await loadTestModule('harness', 'postgres');
  if (!existsSync(path.join(PG_BIN, 'postgres'))) return [];
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-bench-cluster-'));
  const db = await startPostgres();
  const sink = await startPushSink(dir);
  const rows = [];
  try {
    // The first instance to start creates the schema.
    const warm = await startRelay(dir, 'warm', db.url, sink.cert);
    warm.kill('SIGTERM');
    for (const n of [1, 3]) {
      const r = await round(dir, n, db, sink);
      rows.push({
        metric: `relay cluster: pushes/s, ${n} instance(s), one PostgreSQL`,
        value: r.perSecond,
        unit: '/s',
      });
      rows.push({
        metric: `relay cluster: pushes delivered twice of ${PUSHES}, ${n} instance(s)`,
        value: r.twice,
        unit: '',
      });
    }
  } finally {
    await db.close();
    sink.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

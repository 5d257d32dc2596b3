// Quiet hours hold ordinary notices back until they end; lifeline and critical notices go at once.
import { afterEach, expect, it } from 'vitest';
import { OutboxRepo } from '../../../../server/agent/notify/repos.js';
import { ManualClock, pairDevice, startTestAgent, type TestAgent } from '../../../harness/agent.js';

let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

it('holds a container notice during quiet hours, but never a lifeline notice', async () => {
  const night = new Date();
  night.setHours(2, 0, 0, 0);
  const clock = new ManualClock(night.getTime());
  t = await startTestAgent({
    yaml: 'listen: { host: 127.0.0.1, port: 0 }\nnotify: { quietHours: "23:00-07:00" }\n',
    clock,
  });
  const { client } = await pairDevice(t, 'phone');
  const r = await client.command('notify.subscribe', {
    args: {
      endpoint: 'https://push.example/sub/1',
      p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
      lang: 'en',
    },
  });
  expect(r.status).toBe('ok');
  t.agent.events.append({
    kind: 'containers.died',
    severity: 'warning',
    subject: 'nas/ddns',
    message: 'ddns exited with code 127',
  });
  t.agent.events.append({
    kind: 'lifeline.cycle-started',
    severity: 'warning',
    subject: 'cabinet',
    message: 'cabinet is power-cycling',
  });
  const rows = new OutboxRepo(t.agent.db).due('push:', Number.MAX_SAFE_INTEGER);
  const byKind = Object.fromEntries(
    rows.map((row) => [JSON.parse(row.payload).kind as string, row.not_before]),
  );
  const seven = new Date(night);
  seven.setHours(7, 0, 0, 0);
  expect(byKind['containers.died']).toBe(seven.getTime());
  expect(byKind['lifeline.cycle-started']).toBe(night.getTime());
  client.close();
});

// `lifeline relay` + `lifeline agent` + `lifeline ctl` as separate processes on loopback.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { prepareAgentDir } from '../../harness/agent.js';
import { freePort, runCli, startCli } from '../../harness/cli.js';
import { tempDir } from '../../harness/temp.js';

const tmp = tempDir();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  tmp.remove();
});

it('ctl reaches home through a stand-alone relay exactly as directly', async () => {
  const prepared = await prepareAgentDir();
  stops.push(async () => prepared.remove());
  const relayPort = await freePort();
  const relayFile = path.join(tmp.dir, 'relay.yaml');
  // First run writes a commented default; then the home is allowed in.
  const first = await startCli(['relay', '-c', relayFile, '-p', String(relayPort)], /serves no home yet/);
  expect(first.output()).toContain('Wrote a default relay config');
  expect(first.output()).toContain('serves no home yet');
  await first.stop();
  writeFileSync(
    relayFile,
    readFileSync(relayFile, 'utf8').replace('homes: []', `homes: [${prepared.homeId}]`),
  );
  const relay = await startCli(['relay', '-c', relayFile, '-p', String(relayPort)], /Serving 1 home/);
  stops.push(relay.stop);

  const relayUrl = `http://127.0.0.1:${relayPort}`;
  const agentFile = path.join(prepared.dir, 'lifeline.yaml');
  writeFileSync(
    agentFile,
    `home: { name: Far home }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "ws://127.0.0.1:${relayPort}" }\n`,
  );
  const agent = await startCli(['agent', '-c', agentFile, '-p', '0'], /Lifeline is running/);
  stops.push(agent.stop);

  const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
  const pair = await runCli(['pair', '-c', agentFile, '--json'], { env });
  const { link } = JSON.parse(pair.stdout) as { link: string };
  expect(link.startsWith(`http://127.0.0.1:${relayPort}/#/pair/${prepared.homeId}/`)).toBe(true);

  // The link points at the relay; pairing goes through it, end to end encrypted.
  let paired = await runCli(['ctl', 'pair', link, '--name', 'laptop'], { env });
  for (let i = 0; paired.code !== 0 && /offline/.test(paired.stderr) && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250)); // the agent may still be dialling out
    paired = await runCli(
      [
        'ctl',
        'pair',
        (JSON.parse((await runCli(['pair', '-c', agentFile, '--json'], { env })).stdout) as { link: string })
          .link,
        '--name',
        'laptop',
      ],
      { env },
    );
  }
  expect(paired.stderr).toBe('');
  const status = JSON.parse((await runCli(['ctl', 'status', '--json'], { env })).stdout);
  expect(status).toMatchObject({
    home: { id: prepared.homeId, name: 'Far home' },
    connection: { path: 'relay', url: relayUrl },
  });

  const viaWss = await runCli(['ctl', 'status', '--json', '--url', `ws://127.0.0.1:${relayPort}`], { env });
  expect(JSON.parse(viaWss.stdout).connection.path).toBe('relay');

  // `lifeline check` asks the relay too, without displacing the running agent's link.
  const check = await runCli(['check', '-c', agentFile], { env });
  expect(check.code).toBe(0);
  expect(check.stdout).toMatch(/✓\s+relay\s+ws:\/\/127\.0\.0\.1:\d+\/ws\/agent accepts this home/);
  const still = await runCli(['ctl', 'status', '--json'], { env });
  expect(JSON.parse(still.stdout).connection.path).toBe('relay');

  await agent.stop();
  const offline = await runCli(['ctl', 'status'], { env });
  expect(offline.code).toBe(1);
  expect(offline.stderr).toMatch(/home is offline/);

  // A relay that does not serve this home fails the check, with the relay's reason.
  writeFileSync(
    relayFile,
    readFileSync(relayFile, 'utf8').replace(`homes: [${prepared.homeId}]`, 'homes: []'),
  );
  await relay.stop();
  const strict = await startCli(['relay', '-c', relayFile, '-p', String(relayPort)], /serves no home yet/);
  stops.push(strict.stop);
  const refused = await runCli(['check', '-c', agentFile], { env });
  expect(refused.code).toBe(1);
  expect(refused.stdout).toMatch(/✗\s+relay\s+.*does not serve home/);
});

// What a plug driver's failure says, in the reader's language: a Shelly at an address nobody
// listens on, one that stays silent, one that refuses the password and one that answers a login
// page. `ctl plug` run under a Chinese locale prints the catalogue's words (the device's address as
// data); the English stays in the error's message, for logs and older clients.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from '../../../harness/cli.js';
import { tempDir } from '../../../harness/temp.js';
import { type ShellyGen1Sim, startShellyGen1 } from '../../../simulators/shelly-gen1.js';
import { plugOf, startPlugAgent, until } from './plug-agent.js';

const ctlHome = tempDir();
const env = { LIFELINE_CTL_HOME: path.join(ctlHome.dir, 'ctl') };
const zh = { ...env, LC_ALL: 'zh_CN.UTF-8' };
const zhTw = { ...env, LC_ALL: 'zh_TW.UTF-8' };
let plugs: Awaited<ReturnType<typeof startPlugAgent>>;
let silent: ShellyGen1Sim;
let locked: ShellyGen1Sim;
let confused: ShellyGen1Sim;
let gone: string;

beforeAll(async () => {
  silent = await startShellyGen1();
  silent.relay.fault = 'silent';
  locked = await startShellyGen1({ username: 'admin', password: 'right' });
  confused = await startShellyGen1();
  confused.relay.fault = 'garbage';
  gone = `127.0.0.1:${await freePort()}`;
  plugs = await startPlugAgent([
    { id: 'gone', name: 'Aquarium', driver: 'shelly-gen1', address: gone },
    { id: 'silent', name: 'Heater', driver: 'shelly-gen1', address: silent.address },
    {
      id: 'locked',
      name: 'Fan',
      driver: 'shelly-gen1',
      address: locked.address,
      username: 'admin',
      password: 'wrong',
    },
    { id: 'confused', name: 'Kettle', driver: 'shelly-gen1', address: confused.address },
  ]);
  const { link } = plugs.t.agent.pairing.link(plugs.t.url, plugs.t.agent.homeId, null);
  const paired = await runCli(['ctl', 'pair', link, '--name', 'ci'], { env });
  expect(paired.code, paired.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await plugs?.close();
  for (const s of [silent, locked, confused]) await s?.close();
  ctlHome.remove();
});

const on = async (id: string, e: NodeJS.ProcessEnv) => {
  const r = await runCli(['ctl', 'plug', id, 'on'], { env: e, timeoutMs: 30_000 });
  expect(r.code).toBe(1);
  return r.stderr.trim();
};

describe("a plug driver's failure, in the reader's language", () => {
  it('a device nobody listens for: the connection refused', async () => {
    expect(await on('gone', zh)).toBe(`lifeline: ${gone} 拒绝连接 (unreachable)`);
    expect(await on('gone', zhTw)).toBe(`lifeline: ${gone} 拒絕連線 (unreachable)`);
    expect(await on('gone', env)).toBe(`lifeline: ${gone} refused the connection (unreachable)`);
  });

  it('a device that stays silent: no answer in time', async () => {
    expect(await on('silent', zh)).toBe(`lifeline: ${silent.address} 没有及时回应 (timeout)`);
    expect(await on('silent', env)).toBe(`lifeline: ${silent.address} did not answer in time (timeout)`);
  });

  it('a device that refuses the password', async () => {
    expect(await on('locked', zh)).toBe(`lifeline: Shelly ${locked.address} 拒绝了用户名或密码 (failed)`);
    expect(await on('locked', env)).toBe(
      `lifeline: Shelly ${locked.address} refused the username or password (failed)`,
    );
  });

  it('a device that answers something else: an unexpected reply', async () => {
    expect(await on('confused', zh)).toBe(`lifeline: Shelly ${confused.address} 的回复不是 JSON (failed)`);
    expect(await on('confused', env)).toBe(
      `lifeline: Shelly ${confused.address} sent a reply that is not JSON (failed)`,
    );
  });

  it('ctl power lists an offline plug with its reason in the reader’s language', async () => {
    await until(() => plugOf(plugs.t, 'gone')?.problem, 'the problem of the plug');
    const list = await runCli(['ctl', 'power'], { env: zhTw, timeoutMs: 30_000 });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`offline: ${gone} 拒絕連線`);
  });

  it("keeps the plug's problem in English with its catalogue message beside it", async () => {
    const p = await until(() => plugOf(plugs.t, 'gone')?.problem, 'the problem of the plug');
    expect(p).toMatchObject({
      code: 'unreachable',
      message: `${gone} refused the connection`,
      msg: { key: 'power.error.refused', params: { where: gone } },
    });
  });
});

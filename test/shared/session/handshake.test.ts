import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../../shared/bytes.js';
import { SessionError } from '../../../shared/session/errors.js';
import {
  answerClientHello,
  finishClientHandshake,
  startClientHandshake,
  verifyClientAuth,
} from '../../../shared/session/handshake.js';
import { generateIdentity } from '../../../shared/session/keys.js';

async function handshake() {
  const agent = (await generateIdentity(false)).identity;
  const device = (await generateIdentity(false)).identity;
  const start = await startClientHandshake(agent.id);
  const agentSide = await answerClientHello(JSON.parse(JSON.stringify(start.hello)), agent);
  const client = await finishClientHandshake(start, agentSide.reply, {
    homeId: agent.id,
    device,
    client: { kind: 'ctl', version: 'test' },
  });
  const verified = await verifyClientAuth(agentSide, client.authFrame);
  return { agent, device, start, agentSide, client, verified };
}

describe('session handshake', () => {
  it('authenticates both sides and derives matching directional keys', async () => {
    const { device, agentSide, client, verified } = await handshake();
    expect(verified.deviceId).toBe(device.id);
    const toAgent = await client.channel.seal(utf8('ping'));
    expect(fromUtf8(await agentSide.channel.open(toAgent))).toBe('ping');
    const toClient = await agentSide.channel.seal(utf8('pong'));
    expect(fromUtf8(await client.channel.open(toClient))).toBe('pong');
  });

  it('refuses an agent whose key is not the home id from the pairing link (impostor relay)', async () => {
    const real = (await generateIdentity(false)).identity;
    const impostor = (await generateIdentity(false)).identity;
    const device = (await generateIdentity(false)).identity;
    const start = await startClientHandshake(real.id);
    // The impostor answers as if it served the real home id.
    const fake = await answerClientHello({ ...start.hello, home: impostor.id }, impostor);
    await expect(
      finishClientHandshake(start, fake.reply, {
        homeId: real.id,
        device,
        client: { kind: 'ctl', version: 't' },
      }),
    ).rejects.toMatchObject({ code: 'wrong-home' });
  });

  it('refuses an agent hello whose signature does not cover this handshake', async () => {
    const agent = (await generateIdentity(false)).identity;
    const device = (await generateIdentity(false)).identity;
    const first = await startClientHandshake(agent.id);
    const second = await startClientHandshake(agent.id);
    const replyToFirst = await answerClientHello(first.hello, agent);
    await expect(
      finishClientHandshake(second, replyToFirst.reply, {
        homeId: agent.id,
        device,
        client: { kind: 'ctl', version: 't' },
      }),
    ).rejects.toMatchObject({ code: 'bad-signature' });
  });

  it('refuses a pinned agent key that changed', async () => {
    const agent = (await generateIdentity(false)).identity;
    const other = (await generateIdentity(false)).identity;
    const device = (await generateIdentity(false)).identity;
    const start = await startClientHandshake(agent.id);
    const reply = await answerClientHello(start.hello, agent);
    await expect(
      finishClientHandshake(start, reply.reply, {
        homeId: agent.id,
        pinnedAgentKey: other.publicKey,
        device,
        client: { kind: 'ctl', version: 't' },
      }),
    ).rejects.toMatchObject({ code: 'agent-key-mismatch' });
  });

  it('answers a hello for another home with wrong-home', async () => {
    const agent = (await generateIdentity(false)).identity;
    const other = (await generateIdentity(false)).identity;
    const start = await startClientHandshake(other.id);
    await expect(answerClientHello(start.hello, agent)).rejects.toMatchObject({ code: 'wrong-home' });
  });

  it('rejects a malformed hello without throwing anything but a SessionError', async () => {
    const agent = (await generateIdentity(false)).identity;
    for (const bad of [null, 42, 'x', {}, { t: 'hello', v: 1, home: agent.id, eph: '!!!', nonce: 'AA' }]) {
      await expect(answerClientHello(bad, agent)).rejects.toBeInstanceOf(SessionError);
    }
  });
});

describe('record layer', () => {
  it('rejects a tampered frame and everything after it', async () => {
    const { agentSide, client } = await handshake();
    const a = await client.channel.seal(utf8('one'));
    const b = await client.channel.seal(utf8('two'));
    a[a.length - 1]! ^= 1;
    await expect(agentSide.channel.open(a)).rejects.toMatchObject({ code: 'frame-rejected' });
    await expect(agentSide.channel.open(b)).rejects.toMatchObject({ code: 'frame-rejected' });
  });

  it('rejects a replayed frame', async () => {
    const { agentSide, client } = await handshake();
    const a = await client.channel.seal(utf8('one'));
    await agentSide.channel.open(a);
    await expect(agentSide.channel.open(a)).rejects.toMatchObject({ code: 'frame-rejected' });
  });

  it('rejects frames delivered out of order', async () => {
    const { agentSide, client } = await handshake();
    const a = await client.channel.seal(utf8('one'));
    const b = await client.channel.seal(utf8('two'));
    await expect(agentSide.channel.open(b)).rejects.toMatchObject({ code: 'frame-rejected' });
    await expect(agentSide.channel.open(a)).rejects.toMatchObject({ code: 'frame-rejected' });
  });

  it('rejects a frame reflected back to its sender', async () => {
    const { client } = await handshake();
    const a = await client.channel.seal(utf8('one'));
    await expect(client.channel.open(a)).rejects.toMatchObject({ code: 'frame-rejected' });
  });

  it('delivers many concurrent frames in send order', async () => {
    const { agentSide, client } = await handshake();
    const sealed = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.channel.seal(utf8(String(i)))),
    );
    const opened = await Promise.all(sealed.map((f) => agentSide.channel.open(f)));
    expect(opened.map(fromUtf8)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });
});

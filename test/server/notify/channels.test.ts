// Fallback channels, each against a simulator of the provider's documented API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, type Notice, sendToChannel } from '../../../server/notify/channels.js';
import type { ChannelConfig } from '../../../shared/protocol/relay-link.js';
import { type ChatSimulator, SIM, startChatSimulator } from '../../simulators/chat-webhooks.js';

let sim: ChatSimulator;
beforeAll(async () => {
  sim = await startChatSimulator();
});
afterAll(() => sim.close());

const notice: Notice = {
  title: '家 is offline',
  body: 'No contact since 11:44 (last IP 203.0.113.7).',
  priority: 'high',
  kind: 'home.offline',
  url: 'https://relay.example/#/home',
};
const last = () => sim.accepted.at(-1)!;

describe('fallback channels', () => {
  it('ntfy: JSON publishing with the topic, UTF-8 title, priority and a bearer token', async () => {
    await sendToChannel(
      { id: 'n', type: 'ntfy', url: `${sim.url}/ntfy/home-alerts`, token: SIM.ntfyToken },
      notice,
    );
    expect(last()).toMatchObject({
      provider: 'ntfy',
      body: {
        topic: 'ntfy/home-alerts',
        title: '家 is offline',
        message: notice.body,
        priority: 5,
        click: notice.url,
        tags: ['home.offline'],
      },
    });
  });

  it('ntfy: a wrong token is a permanent, named error', async () => {
    const err = await sendToChannel(
      { id: 'n', type: 'ntfy', url: `${sim.url}/ntfy/t`, token: 'wrong' },
      notice,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ permanent: true, message: expect.stringContaining('ntfy n: HTTP 403') });
  });

  it('Bark: POST to the device key URL with a time-sensitive level', async () => {
    await sendToChannel({ id: 'b', type: 'bark', url: `${sim.url}/bark/devkey` }, notice);
    expect(last()).toMatchObject({
      provider: 'bark',
      body: {
        title: notice.title,
        body: notice.body,
        level: 'timeSensitive',
        group: 'lifeline',
        url: notice.url,
      },
    });
    await expect(
      sendToChannel({ id: 'b', type: 'bark', url: `${sim.url}/bark/bad` }, notice),
    ).rejects.toMatchObject({ permanent: true });
  });

  it('Telegram: sendMessage to the chat, and the API’s own error description on failure', async () => {
    const ch: ChannelConfig = {
      id: 't',
      type: 'telegram',
      url: `${sim.url}/telegram`,
      token: SIM.telegramToken,
      chat: SIM.telegramChat,
    };
    await sendToChannel(ch, notice);
    expect(last()).toMatchObject({
      provider: 'telegram',
      body: { chat_id: SIM.telegramChat, text: `${notice.title}\n${notice.body}\n${notice.url}` },
    });
    await expect(sendToChannel({ ...ch, chat: '42' }, notice)).rejects.toThrow('Bad Request: chat not found');
    await expect(sendToChannel({ ...ch, token: 'x' }, notice)).rejects.toThrow('HTTP 401');
  });

  it('Feishu: a signed text message; a bad signature is refused', async () => {
    const ch: ChannelConfig = {
      id: 'f',
      type: 'feishu',
      url: `${sim.url}/feishu/open-apis/bot/v2/hook/abc`,
      secret: SIM.feishuSecret,
    };
    await sendToChannel(ch, notice);
    expect(last()).toMatchObject({
      provider: 'feishu',
      body: { msg_type: 'text', content: { text: expect.stringContaining(notice.body) } },
    });
    await expect(sendToChannel({ ...ch, secret: 'wrong' }, notice)).rejects.toThrow('sign match fail');
  });

  it('DingTalk: signed URL and a text message; a bad secret is refused', async () => {
    const ch: ChannelConfig = {
      id: 'd',
      type: 'dingtalk',
      url: `${sim.url}/dingtalk/robot/send?access_token=${SIM.dingtalkToken}`,
      secret: SIM.dingtalkSecret,
    };
    await sendToChannel(ch, notice);
    expect(last()).toMatchObject({
      provider: 'dingtalk',
      body: { msgtype: 'text', text: { content: expect.stringContaining(notice.title) } },
    });
    await expect(sendToChannel({ ...ch, secret: 'SECwrong' }, notice)).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('sign not match'),
    });
  });

  it('WeCom: a text message to the group robot; an unknown key is refused', async () => {
    const ch: ChannelConfig = {
      id: 'w',
      type: 'wecom',
      url: `${sim.url}/wecom/cgi-bin/webhook/send?key=${SIM.wecomKey}`,
    };
    await sendToChannel(ch, notice);
    expect(last()).toMatchObject({
      provider: 'wecom',
      body: { msgtype: 'text', text: { content: expect.stringContaining(notice.body) } },
    });
    await expect(
      sendToChannel({ ...ch, url: `${sim.url}/wecom/cgi-bin/webhook/send?key=nope` }, notice),
    ).rejects.toThrow('invalid webhook url');
  });

  it('a plain webhook gets the notice as JSON', async () => {
    await sendToChannel({ id: 'h', type: 'webhook', url: `${sim.url}/hook` }, notice);
    expect(last()).toMatchObject({
      provider: 'webhook',
      body: { title: notice.title, body: notice.body, priority: 'high', kind: 'home.offline' },
    });
  });

  it('a channel that cannot be reached is a retryable error', async () => {
    const err = await sendToChannel(
      { id: 'x', type: 'webhook', url: 'http://127.0.0.1:9/hook' },
      notice,
    ).catch((e) => e);
    expect(err).toMatchObject({ permanent: false });
  });
});

// Fallback channels for phones that Web Push does not reach (no Google services, FCM blocked, iOS
// without a home-screen app): ntfy, Bark, and webhooks shaped for Telegram, Feishu, DingTalk, WeCom.
// Used by the agent for its events and by the relay for its own "home offline / back" notices.
import { createHmac } from 'node:crypto';
import type { ChannelConfig } from '../../shared/protocol/relay-link.js';

export interface Notice {
  title: string;
  body: string;
  /** Deep link into the app. */
  url?: string | undefined;
  priority: 'high' | 'normal' | 'low';
  /** Event kind, for webhooks and grouping. */
  kind: string;
}

export type HttpPost = (
  url: string,
  body: string,
  headers: Record<string, string>,
) => Promise<{ status: number; text: string }>;

export const fetchPost: HttpPost = async (url, body, headers) => {
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, text: await res.text() };
};

export class ChannelError extends Error {
  constructor(
    message: string,
    /** True when retrying cannot help (bad token, unknown chat). */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

const json = { 'content-type': 'application/json; charset=utf-8' };
const plain = (n: Notice) => `${n.title}\n${n.body}${n.url ? `\n${n.url}` : ''}`;

function request(
  channel: ChannelConfig,
  n: Notice,
  now: number,
): { url: string; body: unknown; headers?: Record<string, string> } {
  switch (channel.type) {
    case 'ntfy': {
      // JSON publishing (POST to the server root with the topic in the body) carries UTF-8 titles.
      const u = new URL(channel.url);
      const topic = u.pathname.replace(/^\/+|\/+$/g, '');
      return {
        url: `${u.origin}/`,
        body: {
          topic,
          title: n.title,
          message: n.body,
          priority: n.priority === 'high' ? 5 : n.priority === 'normal' ? 3 : 2,
          tags: [n.kind],
          ...(n.url ? { click: n.url } : {}),
        },
        headers: channel.token ? { authorization: `Bearer ${channel.token}` } : {},
      };
    }
    case 'bark':
      // `url` is what the Bark app shows: https://api.day.app/<device key>
      return {
        url: channel.url.replace(/\/+$/, ''),
        body: {
          title: n.title,
          body: n.body,
          group: 'lifeline',
          level: n.priority === 'high' ? 'timeSensitive' : 'active',
          ...(n.url ? { url: n.url } : {}),
        },
      };
    case 'telegram':
      return {
        url: `${channel.url.replace(/\/+$/, '')}/bot${channel.token ?? ''}/sendMessage`,
        body: { chat_id: channel.chat, text: plain(n), disable_web_page_preview: true },
      };
    case 'feishu': {
      const body: Record<string, unknown> = { msg_type: 'text', content: { text: plain(n) } };
      if (channel.secret) {
        const timestamp = String(Math.floor(now / 1000));
        body.timestamp = timestamp;
        body.sign = createHmac('sha256', `${timestamp}\n${channel.secret}`).update('').digest('base64');
      }
      return { url: channel.url, body };
    }
    case 'dingtalk': {
      let url = channel.url;
      if (channel.secret) {
        const timestamp = String(now);
        const sign = createHmac('sha256', channel.secret)
          .update(`${timestamp}\n${channel.secret}`)
          .digest('base64');
        url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`;
      }
      return { url, body: { msgtype: 'text', text: { content: plain(n) } } };
    }
    case 'wecom':
      return { url: channel.url, body: { msgtype: 'text', text: { content: plain(n) } } };
    case 'webhook':
      return {
        url: channel.url,
        body: { title: n.title, body: n.body, url: n.url, priority: n.priority, kind: n.kind },
      };
  }
}

/** Checks the provider's own success flag: several answer HTTP 200 with an error inside. */
function acceptance(
  channel: ChannelConfig,
  status: number,
  text: string,
): { message: string; permanent: boolean } | null {
  if (status === 429 || status >= 500) return { message: `HTTP ${status}`, permanent: false };
  if (status < 200 || status >= 300)
    return { message: `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, permanent: true };
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  // An error inside a 200 answer is the provider refusing our settings (key, signature, chat id).
  const refuse = (message: unknown) => ({ message: String(message), permanent: true });
  if (channel.type === 'telegram' && body.ok !== true) return refuse(body.description ?? 'not ok');
  if (channel.type === 'feishu' && (body.code ?? body.StatusCode ?? 0) !== 0)
    return refuse(body.msg ?? body.StatusMessage ?? 'error');
  if ((channel.type === 'dingtalk' || channel.type === 'wecom') && (body.errcode ?? 0) !== 0)
    return refuse(body.errmsg ?? 'error');
  if (channel.type === 'bark' && body.code !== undefined && body.code !== 200)
    return refuse(body.message ?? 'error');
  return null;
}

export async function sendToChannel(
  channel: ChannelConfig,
  n: Notice,
  post: HttpPost = fetchPost,
  now = Date.now(),
): Promise<void> {
  const req = request(channel, n, now);
  let res: { status: number; text: string };
  try {
    res = await post(req.url, JSON.stringify(req.body), { ...json, ...req.headers });
  } catch (err) {
    throw new ChannelError(`${channel.type} ${channel.id}: ${(err as Error).message}`, false);
  }
  const problem = acceptance(channel, res.status, res.text);
  if (problem) throw new ChannelError(`${channel.type} ${channel.id}: ${problem.message}`, problem.permanent);
}

// Fallback-channel providers as their documented HTTP APIs answer: ntfy JSON publishing, Bark,
// Telegram Bot API sendMessage, Feishu/Lark custom bot (with signature), DingTalk robot (with
// signature), WeCom group robot. Each checks its credentials and answers success or error bodies
// the way the real service does, and records what it accepted.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface Accepted {
  provider: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface ChatSimulator {
  url: string;
  accepted: Accepted[];
  close(): Promise<void>;
}

export const SIM = {
  telegramToken: '123456:ABC-test-token',
  telegramChat: '-1001234',
  feishuSecret: 'feishu-secret',
  dingtalkToken: 'ding-token',
  dingtalkSecret: 'SECding-secret',
  wecomKey: 'wecom-key',
  ntfyToken: 'tk_ntfytoken',
};

export async function startChatSimulator(): Promise<ChatSimulator> {
  const accepted: Accepted[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid JSON"}');
        return;
      }
      const reply = (status: number, json: unknown, provider?: string) => {
        if (provider) accepted.push({ provider, body, headers: req.headers });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      const p = url.pathname;
      if (req.method !== 'POST') return reply(405, { error: 'method not allowed' });
      // ntfy: JSON publishing to the root URL; this server requires a token.
      if (p === '/ntfy/' || p === '/') {
        if (req.headers.authorization !== `Bearer ${SIM.ntfyToken}`)
          return reply(403, { code: 40301, http: 403, error: 'forbidden' });
        if (typeof body.topic !== 'string' || typeof body.message !== 'string')
          return reply(400, { code: 40001, error: 'invalid request' });
        return reply(200, { id: 'abc', event: 'message', topic: body.topic, message: body.message }, 'ntfy');
      }
      // Bark: POST /:device_key with a JSON body.
      const bark = /^\/bark\/([^/]+)$/.exec(p);
      if (bark) {
        if (bark[1] !== 'devkey')
          return reply(400, {
            code: 400,
            message: 'failed to get device token: failed to get [bad] device token from database',
          });
        return reply(200, { code: 200, message: 'success', timestamp: 1 }, 'bark');
      }
      // Telegram Bot API.
      const tg = /^\/telegram\/bot([^/]+)\/sendMessage$/.exec(p);
      if (tg) {
        if (tg[1] !== SIM.telegramToken)
          return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
        if (body.chat_id !== SIM.telegramChat)
          return reply(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        return reply(200, { ok: true, result: { message_id: 1, text: body.text } }, 'telegram');
      }
      // Feishu custom bot: sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")).
      if (p.startsWith('/feishu/open-apis/bot/v2/hook/')) {
        const expected = createHmac('sha256', `${body.timestamp}\n${SIM.feishuSecret}`)
          .update('')
          .digest('base64');
        if (body.sign !== expected)
          return reply(200, {
            code: 19021,
            data: {},
            msg: 'sign match fail or timestamp is not within one hour from current time',
          });
        return reply(
          200,
          { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' },
          'feishu',
        );
      }
      // DingTalk robot: sign = urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret))).
      if (p === '/dingtalk/robot/send') {
        if (url.searchParams.get('access_token') !== SIM.dingtalkToken)
          return reply(200, { errcode: 300001, errmsg: 'token is not exist' });
        const ts = url.searchParams.get('timestamp') ?? '';
        const expected = createHmac('sha256', SIM.dingtalkSecret)
          .update(`${ts}\n${SIM.dingtalkSecret}`)
          .digest('base64');
        if (url.searchParams.get('sign') !== expected)
          return reply(200, { errcode: 310000, errmsg: 'sign not match' });
        return reply(200, { errcode: 0, errmsg: 'ok' }, 'dingtalk');
      }
      // WeCom group robot.
      if (p === '/wecom/cgi-bin/webhook/send') {
        if (url.searchParams.get('key') !== SIM.wecomKey)
          return reply(200, { errcode: 93000, errmsg: 'invalid webhook url' });
        return reply(200, { errcode: 0, errmsg: 'ok' }, 'wecom');
      }
      if (p === '/hook') return reply(204, {}, 'webhook');
      return reply(404, { error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    accepted,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

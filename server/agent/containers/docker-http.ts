// The Docker Engine API over HTTP — a unix socket, TCP, or TCP with TLS — with nothing else loaded.
// The agent needs a dozen calls of this stable REST API; a general client (dockerode) brings SSH,
// gRPC and protobuf code with it, about 20 MB of every agent's memory for calls it never makes.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

export interface DockerEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface DockerCall {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/** A refused call: Docker's HTTP status and its own message, as dockerode reported them. */
export class DockerApiError extends Error {
  override name = 'DockerApiError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly json: { message?: string } | null,
  ) {
    super(message);
  }
}

/** Replies larger than this are cut off with an error (a hostile or broken endpoint). */
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

export class DockerHttp {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly endpoint: DockerEndpoint) {
    const tls = endpoint.protocol === 'https';
    this.transport = tls ? https : http;
    this.agent = tls
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 16,
          ...(endpoint.ca ? { ca: endpoint.ca } : {}),
          ...(endpoint.cert ? { cert: endpoint.cert } : {}),
          ...(endpoint.key ? { key: endpoint.key } : {}),
        })
      : new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  /**
   * A call whose reply is JSON: the parsed value, undefined for an empty reply, and the text itself
   * when it is not JSON (a web page where an engine should be) — callers check the shape they need.
   */
  async json(call: DockerCall): Promise<unknown> {
    const text = (await this.buffer(call)).toString('utf8');
    if (text.length === 0) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  /** A call whose reply is read whole (logs). */
  async buffer(call: DockerCall): Promise<Buffer> {
    const res = await this.stream(call);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > MAX_REPLY_BYTES) {
        res.destroy();
        throw new DockerApiError(200, 'the engine sent a reply too large to read', null);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** A call whose reply is read as it comes (the event stream); a refused call throws. */
  stream(call: DockerCall): Promise<Readable> {
    const query = Object.entries(call.query ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
    const e = this.endpoint;
    return new Promise((resolve, reject) => {
      const req = this.transport.request({
        agent: this.agent,
        method: call.method ?? 'GET',
        path: `${call.path}${query ? `?${query}` : ''}`,
        ...(e.socketPath ? { socketPath: e.socketPath } : { host: e.host, port: e.port }),
        headers: {
          // Over a unix socket the host name means nothing (Docker's CLI sends this one); over TCP
          // Node sends the engine's own, which TLS also checks the certificate against.
          ...(e.socketPath ? { host: 'docker' } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
        ...(call.signal ? { signal: call.signal } : {}),
      });
      req.once('error', reject);
      req.once('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(res);
        // A refusal: read Docker's message (short), then report it with the status.
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 64 * 1024) chunks.push(c);
        });
        res.once('error', reject);
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: { message?: string } | null = null;
          try {
            json = text ? (JSON.parse(text) as { message?: string }) : null;
          } catch {}
          const message = json?.message ?? (text.trim() || REASONS[status] || res.statusMessage || 'refused');
          reject(new DockerApiError(status, message, json));
        });
      });
      req.end(payload);
    });
  }

  /** Ends the pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** Docker answers some refusals with an empty body: what dockerode said for them. */
const REASONS: Record<number, string> = {
  304: 'container already in that state',
  404: 'no such container',
  409: 'conflict',
};

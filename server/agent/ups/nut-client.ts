// A client for upsd's network protocol (RFC 9271): LIST UPS, LIST VAR, GET VAR, and the
// USERNAME / PASSWORD / LOGIN of a upsd that wants a login. One connection, kept open across
// polls, opened again (and logged in again) after a drop.
import { LifelineError } from '../../../shared/protocol/errors.js';
import { NutConnection, type NutLimits, type ReplyParser, type SocketFactory } from './nut-connection.js';
import { type NutErrorContext, nutReplyError } from './nut-errors.js';
import { encodeCommand, NUT_DEFAULT_PORT } from './nut-wire.js';

export interface NutClientOptions {
  host: string;
  port?: number;
  /** Sent on every connection; checked by upsd only at LOGIN. */
  auth?: { username: string; password: string };
  connectTimeoutMs?: number;
  replyTimeoutMs?: number;
  maxLineBytes?: number;
  maxReplyBytes?: number;
  /** Opens the TCP socket (tests; default net.connect). */
  connect?: SocketFactory;
}

export interface NutUps {
  name: string;
  description: string;
}

/** What the UPS monitor needs of a client: narrow, so tests and other transports can stand in. */
export interface NutLink {
  readonly address: string;
  listVars(ups: string): Promise<Record<string, string>>;
  login(ups: string): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_LIMITS: NutLimits = {
  connectTimeoutMs: 5_000,
  replyTimeoutMs: 5_000,
  maxLineBytes: 4_096,
  maxReplyBytes: 1024 * 1024,
};

export class NutClient implements NutLink {
  readonly address: string;
  private readonly host: string;
  private readonly port: number;
  private readonly limits: NutLimits;
  private conn: NutConnection | undefined;
  /** Every call runs after the one before: the protocol has no request ids. */
  private queue: Promise<unknown> = Promise.resolve();
  private loginUps: string | undefined;
  private closed = false;

  constructor(private readonly opts: NutClientOptions) {
    this.host = opts.host;
    this.port = opts.port ?? NUT_DEFAULT_PORT;
    this.address = this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
    this.limits = {
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs,
      replyTimeoutMs: opts.replyTimeoutMs ?? DEFAULT_LIMITS.replyTimeoutMs,
      maxLineBytes: opts.maxLineBytes ?? DEFAULT_LIMITS.maxLineBytes,
      maxReplyBytes: opts.maxReplyBytes ?? DEFAULT_LIMITS.maxReplyBytes,
    };
  }

  listUps(): Promise<NutUps[]> {
    return this.run((c) => this.listUpsOn(c));
  }

  listVars(ups: string): Promise<Record<string, string>> {
    return this.run(async (c) => {
      const q = ['VAR', ups];
      const rows = await this.list(c, q, 4, { ups });
      const vars: Record<string, string> = {};
      for (const [, , name, value] of rows) vars[name!] = value!;
      return vars;
    });
  }

  getVar(ups: string, variable: string): Promise<string> {
    return this.run((c) =>
      this.ask<string>(c, ['GET', 'VAR', ups, variable], { ups, variable }, (w) =>
        w[0] === 'VAR' && w[1] === ups && w[2] === variable && w.length === 4
          ? { done: w[3]! }
          : { bad: shown(w) },
      ),
    );
  }

  /**
   * Logs this connection in to a UPS (USERNAME, PASSWORD, LOGIN), which is when upsd checks the
   * password. Remembered: a new connection after a drop logs in again before anything else.
   */
  login(ups: string): Promise<void> {
    return this.run(async (c) => {
      if (this.loginUps === ups) return;
      if (this.loginUps !== undefined) {
        // upsd allows one LOGIN per connection: start afresh for another UPS.
        this.loginUps = ups;
        c.close();
        await this.connection();
        return;
      }
      try {
        await this.logIn(c, ups);
      } catch (err) {
        // upsd takes USERNAME and PASSWORD once per connection: a new try needs a new one.
        c.close();
        throw err;
      }
      this.loginUps = ups;
    });
  }

  /** Says LOGOUT (so upsd stops counting us as powered by the UPS) and closes. */
  close(): Promise<void> {
    this.closed = true;
    return this.queue.then(async () => {
      const c = this.conn;
      this.conn = undefined;
      if (!c?.alive) return;
      await c.request(encodeCommand(['LOGOUT']), () => ({ done: undefined })).catch(() => {});
      c.close();
    });
  }

  private run<T>(work: (c: NutConnection) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.closed)
        throw new LifelineError('failed', `the connection to upsd at ${this.address} is closed`);
      const c = await this.connection();
      const before = c.answered;
      try {
        return await work(c);
      } catch (err) {
        // upsd drops clients idle for a minute: a reused connection found closed before it
        // answered anything gets one retry on a fresh one.
        if (before > 0 && c.answered === before && isDrop(err)) return work(await this.connection());
        throw err;
      }
    });
    this.queue = next.catch(() => {});
    return next;
  }

  private async connection(): Promise<NutConnection> {
    if (this.conn?.alive) return this.conn;
    this.conn = undefined;
    const c = await NutConnection.open(this.host, this.port, this.limits, this.opts.connect);
    try {
      if (this.loginUps !== undefined) await this.logIn(c, this.loginUps);
    } catch (err) {
      c.close();
      throw err;
    }
    this.conn = c;
    return c;
  }

  private async logIn(c: NutConnection, ups: string): Promise<void> {
    const auth = this.opts.auth;
    if (!auth)
      throw new LifelineError(
        'bad-args',
        `logging in to upsd at ${this.address} needs a username and password`,
      );
    const ctx = { ups, username: auth.username };
    const ok = (w: string[]) => (w[0] === 'OK' ? { done: undefined } : { bad: shown(w) });
    await this.ask(c, ['USERNAME', auth.username], ctx, ok);
    await this.ask(c, ['PASSWORD', auth.password], ctx, ok);
    await this.ask(c, ['LOGIN', ups], ctx, ok);
  }

  private async listUpsOn(c: NutConnection): Promise<NutUps[]> {
    const rows = await this.list(c, ['UPS'], 3, {});
    return rows.map(([, name, description]) => ({ name: name!, description: description! }));
  }

  /** A one-line request; `ERR` becomes a LifelineError, an unknown UPS names the known ones. */
  private async ask<T>(
    c: NutConnection,
    words: string[],
    ctx: Context,
    take: (w: string[]) => { done: T } | { bad: string },
  ): Promise<T> {
    const parse: ReplyParser<T> = (w) => (w[0] === 'ERR' ? { fail: new NutErr(w[1] ?? '') } : take(w));
    try {
      return await c.request(encodeCommand(words), parse);
    } catch (err) {
      throw await this.explain(c, err, ctx);
    }
  }

  /** A LIST: BEGIN LIST <query>, rows of `width` words that repeat the query's head, END LIST <query>. */
  private async list(c: NutConnection, query: string[], width: number, ctx: Context): Promise<string[][]> {
    const head = query.join(' ');
    const rows: string[][] = [];
    let begun = false;
    const parse: ReplyParser<string[][]> = (w) => {
      if (!begun && w[0] === 'ERR') return { fail: new NutErr(w[1] ?? '') };
      const joined = w.join(' ');
      if (!begun) {
        if (joined !== `BEGIN LIST ${head}`) return { bad: shown(w) };
        begun = true;
        return { more: true };
      }
      if (joined === `END LIST ${head}`) return { done: rows };
      // Each row repeats the list's kind and, past LIST UPS, the UPS name it was asked for.
      if (w.length !== width || w[0] !== query[0] || (query.length > 1 && w[1] !== query[1]))
        return { bad: shown(w) };
      rows.push(w);
      return { more: true };
    };
    try {
      return await c.request(encodeCommand(['LIST', ...query]), parse);
    } catch (err) {
      throw await this.explain(c, err, ctx);
    }
  }

  private async explain(c: NutConnection, err: unknown, ctx: Context): Promise<unknown> {
    if (!(err instanceof NutErr)) return err;
    const full: NutErrorContext = { address: this.address, ...ctx };
    if (err.nutCode === 'UNKNOWN-UPS') {
      const known = await this.listUpsOn(c).catch(() => undefined);
      if (known) full.known = known.map((u) => u.name);
    }
    return nutReplyError(err.nutCode, full);
  }
}

type Context = Omit<NutErrorContext, 'address'>;

class NutErr extends Error {
  constructor(readonly nutCode: string) {
    super(`ERR ${nutCode}`);
  }
}

const shown = (w: string[]) => `unexpected reply "${w.join(' ').slice(0, 80)}"`;

function isDrop(err: unknown): boolean {
  return err instanceof LifelineError && err.params?.reason === 'closed';
}

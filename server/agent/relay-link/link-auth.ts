// Link authentication: the relay sends a challenge, the agent signs it with its key (which is its
// home id), and the relay welcomes the home or refuses it with a reason. `lifeline check` asks the
// same question without staying (probeRelay).
import WebSocket from 'ws';
import { toBase64Url } from '../../../shared/bytes.js';
import {
  type AgentToRelay,
  LINK_VERSION,
  LinkChallenge,
  LinkWelcome,
  linkAuthInput,
  parseControl,
  RelayToAgent,
} from '../../../shared/protocol/relay-link.js';
import { type Identity, sign } from '../../../shared/session/keys.js';
import type { Logger } from '../../log.js';
import { localTimeZone } from '../../time-zone.js';

/** The origin of the link URL the agent dialled: what its signature says it speaks to. */
export const originOf = (url: string): string => new URL(url).origin;

/** The signed answer to a challenge, for the relay at `origin`, asking it to route `names` here. */
export async function authFrame(
  identity: Identity,
  homeName: string,
  nonce: string,
  origin: string,
  names: readonly string[] = [],
  probe = false,
): Promise<AgentToRelay> {
  const sig = await sign(identity.privateKey, linkAuthInput(nonce, origin, names));
  return {
    t: 'auth',
    v: LINK_VERSION,
    key: toBase64Url(identity.publicKey),
    sig: toBase64Url(sig),
    home: { name: homeName, timeZone: localTimeZone() },
    origin,
    ...(names.length > 0 ? { names: [...names] } : {}),
    ...(probe ? { probe: true } : {}),
  };
}

export interface LinkAuthOptions {
  identity: Identity;
  homeId: string;
  homeName: () => string;
  /** The relay's origin (from the URL dialled). */
  origin: string;
  /** Names the relay should pass TLS through for (the agent's certificate's). */
  names: readonly string[];
  send(frame: AgentToRelay): void;
  log: Logger;
}

export interface LinkAuthOutcome {
  welcome(welcome: LinkWelcome): void;
  fail(why: string): void;
}

/**
 * Reads one connection's frames until the relay has decided; true once it has welcomed this
 * agent (the frames after that are the link's business).
 */
export function createLinkAuth(opts: LinkAuthOptions, outcome: LinkAuthOutcome): (text: string) => boolean {
  let welcomed = false;
  return (text) => {
    if (welcomed) return true;
    const challenge = parseControl(LinkChallenge, text);
    if (challenge) {
      void authFrame(opts.identity, opts.homeName(), challenge.nonce, opts.origin, opts.names).then(
        opts.send,
      );
      return false;
    }
    const welcome = parseControl(LinkWelcome, text);
    if (welcome) {
      if (welcome.homeId !== opts.homeId) outcome.fail('the relay answered for another home');
      else {
        welcomed = true;
        outcome.welcome(welcome);
      }
      return false;
    }
    const refused = parseControl(RelayToAgent, text);
    if (refused?.t === 'refused') {
      opts.log.error(`the relay refused this agent: ${refused.message}`);
      outcome.fail(`refused: ${refused.message}`);
    }
    return false;
  };
}

/** For `lifeline check`: can this agent link to the relay, and does the relay accept its home? */
export function probeRelay(
  url: string,
  identity: Identity,
  homeName: string,
  timeoutMs = 8000,
): Promise<{ ok: true; address: string } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const done = (r: { ok: true; address: string } | { ok: false; reason: string }) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, reason: 'no answer in time' }), timeoutMs);
    ws.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, reason: err.code === 'ECONNREFUSED' ? 'connection refused' : err.message }),
    );
    ws.on('unexpected-response', (_q, res) => done({ ok: false, reason: `HTTP ${res.statusCode}` }));
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      const challenge = parseControl(LinkChallenge, text);
      if (challenge) {
        void authFrame(identity, homeName, challenge.nonce, originOf(url), [], true).then((frame) =>
          ws.send(JSON.stringify(frame)),
        );
        return;
      }
      const frame = parseControl(RelayToAgent, text);
      if (frame?.t === 'welcome') done({ ok: true, address: frame.observedAddress });
      else if (frame?.t === 'refused') done({ ok: false, reason: frame.message });
    });
  });
}

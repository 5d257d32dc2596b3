// The one owner of the session to home: connects, reconnects with jittered backoff (and at once
// when the network or the app comes back), mirrors state into signals and IndexedDB. A home linked
// to two relays is reached through whichever answers: the address that worked last is tried first.
import { computed, signal } from '@preact/signals';
import { Backoff } from '../../shared/backoff.js';
import { fromBase64Url, toBase64Url } from '../../shared/bytes.js';
import { AgentClient, type CommandOutcome, type RunOptions } from '../../shared/client/agent-client.js';
import { httpBase, parsePairingLink, sessionUrl } from '../../shared/pairing-link.js';
import type { ActionSpec, CallOf, ResultOf } from '../../shared/protocol/action.js';
import type { EventRecord } from '../../shared/protocol/frames.js';
import {
  type EntityData,
  type EntityKind,
  EntityTable,
  type TypedEntity,
} from '../../shared/protocol/vocabulary.js';
import { openClientSession } from '../../shared/session/client-session.js';
import { SessionError } from '../../shared/session/errors.js';
import { generateIdentity, identityFromKeyPair } from '../../shared/session/keys.js';
import { type Pairing, store } from './db.js';
import { NO_HOME_MESSAGE } from './error-text.js';
import { openWebSocket } from './transport.js';

export type ConnState = 'loading' | 'unpaired' | 'connecting' | 'online' | 'offline' | 'refused';

export const connState = signal<ConnState>('loading');
/** Why the last attempt failed: a SessionError code or 'unreachable'. */
export const connProblem = signal<{ code: string; message: string } | null>(null);
/**
 * When the agent of the current session started (its own fact). A new value after a reconnect
 * means home restarted, and with it went every confirmation it had asked for.
 */
export const agentStartedAt = signal<number | null>(null);
export const pairing = signal<Pairing | null>(null);
export const entities = signal<EntityTable>(new EntityTable());
/** Device time when the state shown was last known to be current. */
export const stateAsOf = signal<number>(0);
export const path = signal<'direct' | 'relay' | null>(null);
export const liveEvents = signal<EventRecord[]>([]);
export const isLive = computed(() => connState.value === 'online');
/** Whether this page has had a session: "reconnecting" rather than "connecting". */
export const hadSession = signal(false);

const CLIENT = { kind: 'pwa' as const, version: '0.1.0' };
// Between half and all of each step, so many phones do not retry in lockstep.
const retry = new Backoff({ steps: [1000, 2000, 4000, 8000, 15000, 30000], jitter: [0.5, 1] });

let client: AgentClient | null = null;
/** The base that reached home last (the paired one or the standby relay). */
let lastGood: string | null = null;
/** Refusals from home itself: no other way in will change them. */
const FINAL = ['not-paired', 'revoked', 'wrong-home', 'agent-key-mismatch', 'bad-signature'];
let timer: ReturnType<typeof setTimeout> | null = null;
let connecting = false;
let saveTimer: ReturnType<typeof setTimeout> | null = null;

export function listEntities<K extends EntityKind>(kind: K): TypedEntity<K>[] {
  return entities.value.list(kind);
}

export function entity<K extends EntityKind>(kind: K, id: string): EntityData<K> | undefined {
  return entities.value.get(kind, id);
}

export async function boot(): Promise<void> {
  const [p, saved] = await Promise.all([store.pairing(), store.savedState()]);
  if (saved) {
    // Checked like live state: what an older version of the app saved may no longer fit.
    const table = new EntityTable();
    for (const e of saved.entities) table.put(e);
    entities.value = table;
    stateAsOf.value = saved.savedAt;
  }
  window.addEventListener('online', () => reconnectNow());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectNow();
  });
  if (!p) {
    connState.value = 'unpaired';
    return;
  }
  pairing.value = p;
  void connect();
}

/** Skips the backoff wait: the network or the app just came back. */
export function reconnectNow(): void {
  if (connState.value === 'offline' || connState.value === 'connecting') {
    retry.reset();
    void connect();
  }
}

async function connect(): Promise<void> {
  const p = pairing.value;
  if (!p || connecting || client) return;
  if (timer) clearTimeout(timer);
  timer = null;
  connecting = true;
  connState.value = 'connecting';
  try {
    const keys = await store.deviceKey();
    if (!keys) throw new SessionError('not-paired', 'this browser lost its device key; pair again');
    const identity = await identityFromKeyPair(keys);
    const known = [p.base, ...(p.standby && p.standby !== p.base ? [p.standby] : [])];
    const bases =
      lastGood && known.includes(lastGood) ? [lastGood, ...known.filter((b) => b !== lastGood)] : known;
    let session: Awaited<ReturnType<typeof openClientSession>> | undefined;
    let lastError: unknown;
    for (const base of bases) {
      try {
        const transport = await openWebSocket(sessionUrl(base, p.homeId));
        session = await openClientSession(transport, {
          homeId: p.homeId,
          pinnedAgentKey: fromBase64Url(p.agentKey),
          device: identity,
          client: CLIENT,
          passKey: p.pass ? fromBase64Url(p.pass) : undefined,
        });
        lastGood = base;
        break;
      } catch (err) {
        if (err instanceof SessionError && FINAL.includes(err.code)) throw err;
        lastError = err;
      }
    }
    if (!session) throw lastError;
    adopt(new AgentClient(session));
    retry.reset();
  } catch (err) {
    failed(err);
  } finally {
    connecting = false;
  }
}

function adopt(c: AgentClient): void {
  client = c;
  path.value = c.welcome.path;
  connProblem.value = null;
  learnPass(c);
  const sync = () => {
    learnStandby(c);
    const started = c.entities.get('agent', 'self')?.startedAt;
    if (started !== undefined && started !== agentStartedAt.value) agentStartedAt.value = started;
    entities.value = c.entities.clone();
    stateAsOf.value = Date.now();
    scheduleSave();
  };
  c.onState(sync);
  c.onEvent((e) => {
    liveEvents.value = [e, ...liveEvents.value].slice(0, 200);
  });
  c.onClose((error) => {
    client = null;
    failed(error ?? new Error('closed'));
  });
  void c.ready().then(() => {
    connState.value = 'online';
    hadSession.value = true;
    sync();
  });
}

/** Keeps the admission-pass key of home's welcome for the next hellos (a new one after a reset). */
function learnPass(c: AgentClient): void {
  const p = pairing.value;
  const pass = c.welcome.pass;
  if (!p || !pass || pass === p.pass || c.welcome.agent.homeId !== p.homeId) return;
  const next = { ...p, pass };
  pairing.value = next;
  void store.setPairing(next);
}

/** Home says which standby relay it links to: a phone paired before it was added learns it here. */
function learnStandby(c: AgentClient): void {
  const p = pairing.value;
  const url = c.entities.get('relay', 'standby')?.url;
  const standby = url ? httpBase(url) : undefined;
  if (!p || !standby || standby === p.standby || standby === p.base) return;
  const next = { ...p, standby };
  pairing.value = next;
  void store.setPairing(next);
}

function failed(err: unknown): void {
  if (err instanceof SessionError && FINAL.includes(err.code)) {
    connState.value = 'refused';
    connProblem.value = { code: err.code, message: err.message };
    return;
  }
  connState.value = 'offline';
  connProblem.value = {
    code: err instanceof SessionError ? err.code : 'unreachable',
    message: (err as Error)?.message ?? '',
  };
  timer = setTimeout(() => void connect(), retry.next());
  startProbe();
}

/** How often a visible, offline page asks whether home answers again (one small GET). */
const PROBE_MS = 2000;
let probe: ReturnType<typeof setInterval> | null = null;

/**
 * While the page is visible and offline, a cheap probe (/healthz at home's address) ends the
 * backoff wait as soon as home answers: back within seconds of an agent restart, not 12 s later.
 */
function startProbe(): void {
  if (probe) return;
  probe = setInterval(() => {
    const p = pairing.value;
    if (connState.value !== 'offline' || !p) {
      if (probe) clearInterval(probe);
      probe = null;
      return;
    }
    if (document.visibilityState !== 'visible' || connecting) return;
    for (const base of [p.base, ...(p.standby ? [p.standby] : [])])
      void fetch(new URL('/healthz', base), { cache: 'no-store' })
        .then((r) => {
          if (r.ok) reconnectNow();
        })
        .catch(() => {});
  }, PROBE_MS);
}

let lastSave = 0;

/** Saves the state for offline use: at once, then at most twice a second while it changes. */
function scheduleSave(): void {
  if (saveTimer) return;
  const save = () => {
    saveTimer = null;
    lastSave = Date.now();
    void store.saveState({
      entities: entities.value.all(),
      at: client?.stateAt ?? 0,
      savedAt: Date.now(),
    });
  };
  const wait = lastSave + 500 - Date.now();
  if (wait <= 0) save();
  else saveTimer = setTimeout(save, wait);
}

/** Runs an action; the UI handles 'confirm' by showing the sheet and calling again with the challenge. */
export async function run<S extends ActionSpec>(
  spec: S,
  call: CallOf<S>,
  opts: RunOptions = {},
): Promise<CommandOutcome<ResultOf<S>>> {
  if (!client) return { status: 'error', error: { code: 'unreachable', message: NO_HOME_MESSAGE } };
  try {
    return await client.run(spec, call, opts);
  } catch {
    // The session ended before home answered.
    return { status: 'error', error: { code: 'unreachable', message: NO_HOME_MESSAGE } };
  }
}

/**
 * Tells home the user declined a confirmation, so it is audited as cancelled, not as expired.
 * Fire and forget: with no session, or an agent too old to answer, the challenge simply expires.
 */
export function cancelConfirmation(challenge: string): void {
  void client?.cancel(challenge);
}

/** Pairs this browser from a link: a fresh non-extractable key, the code sent inside the session. */
export async function pairWith(
  link: string,
  name: string,
): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  const parsed = parsePairingLink(link);
  if ('error' in parsed) return { ok: false, code: 'bad-link', message: parsed.error };
  try {
    const { pair, identity } = await generateIdentity(false);
    const transport = await openWebSocket(sessionUrl(parsed.base, parsed.homeId));
    const session = await openClientSession(transport, {
      homeId: parsed.homeId,
      device: identity,
      client: CLIENT,
      pair: { code: parsed.code, name },
    });
    await store.setDeviceKey(pair);
    const p: Pairing = {
      homeId: parsed.homeId,
      homeName: session.welcome.agent.name,
      agentKey: toBase64Url(session.agentKey),
      base: parsed.base,
      ...(parsed.standby ? { standby: parsed.standby } : {}),
      deviceId: session.welcome.device.id,
      deviceName: session.welcome.device.name,
      pairedAt: Date.now(),
      ...(session.welcome.pass ? { pass: session.welcome.pass } : {}),
    };
    await store.setPairing(p);
    pairing.value = p;
    client?.close();
    client = null;
    adopt(new AgentClient(session));
    return { ok: true };
  } catch (err) {
    if (err instanceof SessionError) return { ok: false, code: err.code, message: err.message };
    return { ok: false, code: 'unreachable', message: (err as Error).message };
  }
}

export async function forgetHome(): Promise<void> {
  client?.close();
  client = null;
  await store.forget();
  pairing.value = null;
  entities.value = new EntityTable();
  connState.value = 'unpaired';
}

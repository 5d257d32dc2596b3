// Property tests of everything that decodes input from outside: a wrong value gets a clear error
// value, never an exception, whatever it is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notificationForPush, RELAY_NOTICE, readPush } from '../../client/src/sw/handlers.js';
import { fromBase64Url, toBase64Url } from '../../shared/bytes.js';
import { parsePairingLink } from '../../shared/pairing-link.js';
import { decodeAgentFrame, decodeClientFrame } from '../../shared/protocol/frames.js';
import { AgentToRelay, decodeData, parseControl, RelayToAgent } from '../../shared/protocol/relay-link.js';
import { checkEntity, ENTITIES } from '../../shared/protocol/vocabulary.js';
import { generateIdentity } from '../../shared/session/keys.js';

const RUNS = Number(process.env.LIFELINE_FUZZ_RUNS ?? 2000);

/** Values shaped like frames: a known type with arbitrary fields, or anything at all. */
const frameish = fc.oneof(
  fc.anything(),
  fc.record(
    {
      t: fc.constantFrom(
        'cmd',
        'cancel',
        'resync',
        'ping',
        'welcome',
        'snapshot',
        'update',
        'result',
        'progress',
        'event',
        'bye',
        'error',
        'x',
      ),
      id: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
      action: fc.oneof(fc.string(), fc.constantFrom('devices.rename', 'power.off')),
      status: fc.constantFrom('ok', 'error', 'confirm', 'other'),
      seq: fc.oneof(fc.integer(), fc.double(), fc.string()),
      entities: fc.array(fc.anything(), { maxLength: 5 }),
      args: fc.anything(),
      confirm: fc.anything(),
      challenge: fc.anything(),
    },
    { requiredKeys: ['t'] },
  ),
);

describe('fuzz: wire decoding never throws', () => {
  it('session frames from either side', () => {
    fc.assert(
      fc.property(frameish, (v) => {
        for (const r of [decodeClientFrame(v), decodeAgentFrame(v)]) {
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('entity data of every known kind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ENTITIES), 'nope'), fc.anything(), (kind, data) => {
        const r = checkEntity({ kind, id: 'x', version: 1, data });
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  it('relay link control frames and data frames', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.uint8Array({ maxLength: 64 }), (text, bytes) => {
        parseControl(AgentToRelay, text);
        parseControl(RelayToAgent, text);
        const d = decodeData(bytes);
        if (d) expect(d.sid).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('pairing links: a sentence for anything that is not one', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl({ withFragments: true }),
          fc.constant('http://x/#/pair/aaaaaaaaaaaaaaaaaaaaaaaaaa/'),
        ),
        (text) => {
          const r = parsePairingLink(text);
          if ('error' in r) expect(r.error.length).toBeGreaterThan(0);
          else expect(r.homeId).toMatch(/^[a-z2-7]{26}$/);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('base64url round-trips and rejects foreign characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.string(), (bytes, junk) => {
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
        try {
          fromBase64Url(junk);
        } catch (e) {
          expect((e as Error).message).toMatch(/invalid base64url/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a push the service worker cannot read still becomes a notification, with the relay’s fixed words', async () => {
    const { identity } = await generateIdentity(false);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.constant(null)), async (data) => {
        const payload = await readPush(data, { agentKey: identity.publicKey, firstUse: async () => true });
        expect(payload).toBeNull();
        expect(notificationForPush(payload).title).toBe(RELAY_NOTICE.title);
      }),
      { numRuns: RUNS },
    );
  });
});

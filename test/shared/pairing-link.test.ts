// Pairing links with a standby relay: both addresses survive the round trip, links without one
// read as before, and a standby that is no web address is a clear error, not a guess.
import { expect, it } from 'vitest';
import { formatPairingLink, httpBase, parsePairingLink } from '../../shared/pairing-link.js';

const homeId = 'yrnymwhofa3thlr2csig7o7u2q';
const code = 'abcdefghijklmnop';

it('carries the standby relay next to the base, and reads links without one as before', () => {
  const link = formatPairingLink({
    base: 'https://relay.example.com/',
    homeId,
    code,
    standby: 'https://relay2.example.com',
  });
  expect(link).toBe(
    `https://relay.example.com/#/pair/${homeId}/${code}?standby=https%3A%2F%2Frelay2.example.com`,
  );
  expect(parsePairingLink(link)).toEqual({
    base: 'https://relay.example.com',
    homeId,
    code,
    standby: 'https://relay2.example.com',
  });
  expect(parsePairingLink(`https://relay.example.com/#/pair/${homeId}/${code}`)).toEqual({
    base: 'https://relay.example.com',
    homeId,
    code,
  });
});

it('refuses a standby that is no http(s) address', () => {
  const bad = `https://relay.example.com/#/pair/${homeId}/${code}?standby=javascript%3Aalert(1)`;
  expect(parsePairingLink(bad)).toEqual({ error: 'the standby relay in the link is not an http(s) URL' });
});

it('turns what the agent dials (ws(s)://…/ws/agent) into the address a phone opens', () => {
  expect(httpBase('wss://relay2.example.com/ws/agent')).toBe('https://relay2.example.com');
  expect(httpBase('ws://127.0.0.1:8081/ws/agent')).toBe('http://127.0.0.1:8081');
  expect(httpBase('ftp://x')).toBeUndefined();
  expect(httpBase('')).toBeUndefined();
});

// Field schemas every part of the config uses (ids, ports, addresses, secrets), and the way a
// cross-key rule reports a problem at the key it is about. Capability folders build their own
// config piece from these (server/agent/<capability>/config.ts); config/schema.ts composes them.
import * as v from 'valibot';
import { isAddressOrCidr } from '../address-list.js';

export const id = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a short id: lower-case letters, digits, - or _ (at most 40)'),
);
export const port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));
export const hostname = v.pipe(v.string(), v.minLength(1), v.maxLength(253));
/** host or host:port, as the SPEC uses for every device. */
export const address = v.pipe(v.string(), v.minLength(1), v.maxLength(260));
/** An IP address or a CIDR (metrics.allow, passthrough.proxyFrom). */
export const addressOrCidr = v.pipe(
  v.string(),
  v.check(isAddressOrCidr, 'an IP address or CIDR (e.g. 10.0.0.0/8)'),
);
export const secret = v.pipe(v.string(), v.minLength(1));
export const nonEmpty = v.pipe(v.string(), v.minLength(1));
export const displayName = v.pipe(v.string(), v.minLength(1), v.maxLength(80));
export const ipv4 = v.pipe(
  v.string(),
  v.regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'an IPv4 address such as 192.168.1.255'),
);

export const MAC_PATTERN = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;
export const mac = v.pipe(
  v.string(),
  v.regex(MAC_PATTERN, 'a MAC address of six hex pairs, e.g. a8:a1:59:12:34:56'),
  v.transform((m) => m.toLowerCase().replaceAll('-', ':')),
);

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** https, or plain http only to loopback (a local bridge): secrets and notices never cross a network in clear. */
export function secureUrl(message = 'an https:// URL (http:// only on 127.0.0.1 / localhost)') {
  return v.pipe(
    v.string(),
    v.check((s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.includes(u.hostname));
      } catch {
        return false;
      }
    }, message),
  );
}

/** An http(s) URL (a string, checked by URL parsing). */
export function httpUrl(message = 'an http:// or https:// URL') {
  return v.pipe(
    v.string(),
    v.check((s) => {
      try {
        return /^https?:$/.test(new URL(s).protocol);
      } catch {
        return false;
      }
    }, message),
  );
}

export function urlWithScheme(schemes: RegExp, message: string) {
  return v.pipe(
    v.string(),
    v.check((s) => {
      try {
        return schemes.test(new URL(s).protocol.slice(0, -1));
      } catch {
        return false;
      }
    }, message),
  );
}

/** Files of a TLS client or server: PEM paths. */
export const tlsFiles = v.strictObject({ ca: v.optional(v.string()), cert: v.string(), key: v.string() });

/** Reports a rule's problem at `keys` below the checked value (used inside v.rawCheck). */
export type Report = (keys: readonly (string | number)[], message: string) => void;

/**
 * A rule across keys of one object, reported at the key each problem is about. `rule` gets the
 * parsed value and a `report(keys, message)`; nothing is reported when the value failed earlier.
 */
export function rule<T>(check: (value: T, report: Report) => void) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    check(dataset.value, (keys, message) => {
      let input: unknown = dataset.value;
      const path: v.IssuePathItem[] = [];
      for (const key of keys) {
        if (typeof key === 'number') {
          const list = (Array.isArray(input) ? input : []) as unknown[];
          path.push({ type: 'array', origin: 'value', input: list, key, value: list[key] });
          input = list[key];
        } else {
          const record = (input ?? {}) as Record<string, unknown>;
          path.push({ type: 'object', origin: 'value', input: record, key, value: record[key] });
          input = record[key];
        }
      }
      addIssue({
        message,
        ...(path.length > 0 ? { path: path as [v.IssuePathItem, ...v.IssuePathItem[]] } : {}),
      });
    });
  });
}

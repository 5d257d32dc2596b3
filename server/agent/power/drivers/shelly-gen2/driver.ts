// Shelly Gen2/Gen3/Gen4 (Plus, Pro): JSON-RPC over HTTP `POST /rpc`, SHA-256 digest auth when a
// password is set. `Switch.Set {on:false, toggle_after:N}` is atomic: the device flips back on.
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver, PlugReading } from '../../driver.js';
import { deviceError } from '../device-errors.js';
import { baseUrl, finiteOrUndefined, garbage, httpRequest, isObject, parseJson } from '../http.js';
import { type DigestChallenge, digestAuthorization, parseDigestChallenge } from './digest.js';

export function createShellyGen2Driver(plug: PlugConfig, _deps: DriverDeps): PlugDriver {
  const base = baseUrl(plug.address!);
  const ch = plug.channel ?? 0;
  const who = `Shelly ${plug.address}`;
  const timeoutMs = plug.timeoutSeconds * 1000;
  let challenge: DigestChallenge | undefined;
  let nc = 0;
  let nextId = 1;

  const post = (body: string, signal?: AbortSignal) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (challenge && plug.password !== undefined)
      headers.authorization = digestAuthorization(challenge, 'admin', plug.password, 'POST', '/rpc', ++nc);
    return httpRequest(`${base}/rpc`, { method: 'POST', headers, body }, timeoutMs, signal);
  };

  const rpc = async (method: string, params: Record<string, unknown>, signal?: AbortSignal) => {
    const body = JSON.stringify({ id: nextId++, src: 'lifeline', method, params });
    let res = await post(body, signal);
    if (res.status === 401) {
      if (plug.password === undefined) throw deviceError.passwordNeeded(who);
      // A fresh nonce (first request, or the old one expired): answer the challenge once.
      const fresh = parseDigestChallenge(res.headers.get('www-authenticate'));
      if (!fresh) throw garbage(who, 'a 401 without a digest challenge');
      challenge = fresh;
      nc = 0;
      res = await post(body, signal);
      if (res.status === 401) throw deviceError.passwordRefused(who);
    }
    if (res.status !== 200 && res.status !== 400 && res.status !== 500)
      throw garbage(who, `HTTP ${res.status}`);
    const frame = parseJson(res.text, who);
    if (!isObject(frame)) throw garbage(who, 'not an RPC frame');
    if (isObject(frame.error))
      throw new LifelineError(
        'failed',
        `${who} refused ${method}: ${String(frame.error.message ?? frame.error.code ?? 'error')}`.slice(
          0,
          300,
        ),
      );
    if (!isObject(frame.result)) throw garbage(who, 'no result');
    return frame.result;
  };

  return {
    capabilities: { power: true, timer: 'atomic', maxCycleSeconds: 3600, push: false },
    async read(signal) {
      const s = await rpc('Switch.GetStatus', { id: ch }, signal);
      if (typeof s.output !== 'boolean') throw garbage(who, 'no "output"');
      const reading: PlugReading = { on: s.output };
      const watts = finiteOrUndefined(s.apower);
      if (watts !== undefined) reading.watts = watts;
      return reading;
    },
    async set(on, signal) {
      await rpc('Switch.Set', { id: ch, on }, signal);
      return this.read(signal);
    },
    async cycle(seconds, signal) {
      // The RPC validates toggle_after; a result means the device accepted the flip-back timer.
      const r = await rpc('Switch.Set', { id: ch, on: false, toggle_after: seconds }, signal);
      if (typeof r.was_on !== 'boolean') throw garbage(who, 'Switch.Set result without was_on');
      return { evidence: `Switch.Set {on:false, toggle_after:${seconds}} accepted (was_on:${r.was_on})` };
    },
    close() {},
  };
}

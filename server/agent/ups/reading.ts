// What one LIST VAR says about a UPS, in the app's words. Variable names and status words are
// NUT's (docs/nut-names.txt, the RFC 9271 recording document).
import type { UpsStatus, UpsWarning } from '../../../shared/protocol/ups.js';

export interface UpsReading {
  status: UpsStatus;
  flags: string[];
  warnings: UpsWarning[];
  battery?: 'charging' | 'discharging';
  charge?: number;
  runtimeSeconds?: number;
  load?: number;
  inputVoltage?: number;
  model?: string;
}

const WARNINGS: [string, UpsWarning][] = [
  ['RB', 'replace-battery'],
  ['OVER', 'overload'],
  ['BYPASS', 'on-bypass'],
  ['FSD', 'forced-shutdown'],
  ['OFF', 'output-off'],
  ['CAL', 'calibrating'],
  ['ALARM', 'alarm'],
];

export function statusOf(flags: ReadonlySet<string>): UpsStatus {
  // upsd's FSD is to be read as OB LB: the UPS's load is about to be switched off.
  if (flags.has('FSD') || (flags.has('OB') && flags.has('LB'))) return 'low-battery';
  if (flags.has('OB')) return 'on-battery';
  // LB while on mains is a battery recharging after an outage: the load still has power.
  if (flags.has('OL') || flags.has('BYPASS')) return 'online';
  return 'unknown';
}

export function readingOf(vars: Readonly<Record<string, string>>): UpsReading {
  const flags = (vars['ups.status'] ?? '').split(/\s+/).filter(Boolean);
  const set = new Set(flags);
  const r: UpsReading = {
    status: statusOf(set),
    flags,
    warnings: WARNINGS.filter(([w]) => set.has(w)).map(([, name]) => name),
  };
  if (set.has('CHRG')) r.battery = 'charging';
  else if (set.has('DISCHRG')) r.battery = 'discharging';
  const charge = number(vars['battery.charge']);
  if (charge !== undefined) r.charge = Math.min(100, Math.max(0, charge));
  const runtime = number(vars['battery.runtime']);
  if (runtime !== undefined && runtime >= 0) r.runtimeSeconds = runtime;
  const load = number(vars['ups.load']);
  if (load !== undefined && load >= 0) r.load = load;
  const volts = number(vars['input.voltage']);
  if (volts !== undefined && volts >= 0) r.inputVoltage = volts;
  const model = modelOf(vars);
  if (model) r.model = model;
  return r;
}

function number(s: string | undefined): number | undefined {
  if (s === undefined || !/^\s*-?\d+(\.\d+)?\s*$/.test(s)) return undefined;
  return Number(s);
}

/** "APC Back-UPS 700": the maker once, even when the model repeats it. */
function modelOf(vars: Readonly<Record<string, string>>): string | undefined {
  const mfr = (vars['ups.mfr'] ?? vars['device.mfr'] ?? '').trim();
  const model = (vars['ups.model'] ?? vars['device.model'] ?? '').trim();
  if (!model) return mfr || undefined;
  if (!mfr || model.toLowerCase().startsWith(mfr.toLowerCase())) return model;
  return `${mfr} ${model}`;
}

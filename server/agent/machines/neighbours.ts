// The neighbour (ARP/NDP) table: which MAC answered for which address. Read from iproute2's
// `ip -j neigh`, falling back to /proc/net/arp; a machine without either only loses the cross-check.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { HostNotice } from '../../../shared/protocol/vocabulary.js';
import { normaliseMac } from './mac-checks.js';

export interface Neighbour {
  address: string;
  mac: string;
  device: string;
  state: string;
}

export type NeighbourRead =
  | { ok: true; entries: Neighbour[]; source: string }
  | { ok: false; problem: HostNotice };

export interface NeighbourTable {
  read(): Promise<NeighbourRead>;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
/** Entries whose MAC is a current or recent answer (not INCOMPLETE/FAILED, which carry none). */
const USABLE = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT', 'NOARP']);

/** Parses `ip -j neigh show`; anything that is not a usable entry is skipped, never thrown. */
export function parseIpNeigh(text: string): Neighbour[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(rows)) return [];
  const out: Neighbour[] = [];
  for (const row of rows) {
    if (!row || typeof row !== 'object') continue;
    const { dst, lladdr, dev, state } = row as Record<string, unknown>;
    if (typeof dst !== 'string' || typeof lladdr !== 'string' || !MAC.test(lladdr)) continue;
    const states = Array.isArray(state) ? state.map(String) : [];
    if (states.length > 0 && !states.some((s) => USABLE.has(s))) continue;
    out.push({
      address: dst,
      mac: normaliseMac(lladdr),
      device: typeof dev === 'string' ? dev : '',
      state: states.join(',') || 'UNKNOWN',
    });
  }
  return out;
}

/** Parses /proc/net/arp (IPv4 only); flag 0x2 marks a completed entry. */
export function parseProcArp(text: string): Neighbour[] {
  const out: Neighbour[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [address, , flags, mac, , device] = line.trim().split(/\s+/);
    if (!address || !mac || !MAC.test(mac) || mac === '00:00:00:00:00:00') continue;
    const f = Number.parseInt(flags ?? '0', 16);
    if (!(f & 0x2)) continue;
    out.push({
      address,
      mac: normaliseMac(mac),
      device: device ?? '',
      state: f & 0x4 ? 'PERMANENT' : 'COMPLETE',
    });
  }
  return out;
}

export function createNeighbourTable(
  opts: { ipCommand?: string; procFile?: string; timeoutMs?: number } = {},
): NeighbourTable {
  const ip = opts.ipCommand ?? 'ip';
  const proc = opts.procFile ?? '/proc/net/arp';
  return {
    async read() {
      const viaIp = await new Promise<string | null>((resolve) =>
        execFile(
          ip,
          ['-j', 'neigh', 'show'],
          { timeout: opts.timeoutMs ?? 3000, maxBuffer: 4 * 1024 * 1024 },
          (err, stdout) => resolve(err ? null : stdout),
        ),
      );
      if (viaIp?.trim().startsWith('['))
        return { ok: true, entries: parseIpNeigh(viaIp), source: 'ip neigh' };
      try {
        return { ok: true, entries: parseProcArp(await readFile(proc, 'utf8')), source: proc };
      } catch (err) {
        return {
          ok: false,
          problem: {
            code: 'neighbours-unavailable',
            message: `cannot read the neighbour table (no \`${ip}\` command, ${proc}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}); install iproute2 for the MAC cross-check`,
            params: { detail: `${ip}, ${proc}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}` },
          },
        };
      }
    },
  };
}

/** The MAC the table holds for an address, if any. */
export function macAt(entries: readonly Neighbour[], address: string): Neighbour | undefined {
  return entries.find((e) => e.address === address);
}

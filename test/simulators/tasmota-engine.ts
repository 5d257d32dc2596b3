// Tasmota's command interpreter as the firmware runs it: `Power`, `Status 2|10|11`, `Backlog`
// with `Delay` (tenths of a second, queued and run one by one), `TimedPower` (13.3.0.3+).
// Shared by the HTTP (`/cm`) and MQTT (`cmnd/<topic>/…`) simulators.
import type { SimRelay } from './relay.js';

/** SetOption34: the pause between Backlog commands, 200 ms by default. */
const BACKLOG_STEP_MS = 200;

export class TasmotaEngine {
  private queue: string[] = [];
  private queueTimer: ReturnType<typeof setTimeout> | undefined;
  /** Every result the device publishes, as `stat/<topic>/RESULT` would carry it. */
  onResult: (result: Record<string, unknown>, topic?: string) => void = () => {};

  constructor(
    readonly relay: SimRelay,
    readonly version: string,
    readonly energy = true,
  ) {
    relay.onChange((on, source) => {
      if (source === 'timer' || source === 'button') this.onResult({ POWER: on ? 'ON' : 'OFF' });
    });
  }

  /** Runs one command line; returns the results it produced at once (Backlog produces none). */
  run(line: string, source = 'command'): Record<string, unknown>[] {
    const m = line.trim().match(/^([a-z]+?)(\d*)(?:\s+(.*))?$/i);
    if (!m) return [{ Command: 'Unknown' }];
    const name = m[1]!.toLowerCase();
    const index = m[2] ? Number(m[2]) : 1;
    const arg = (m[3] ?? '').trim();
    const out = (r: Record<string, unknown>, topic?: string) => {
      this.onResult(r, topic);
      return [r];
    };
    switch (name) {
      case 'power': {
        if (index !== 1) return out({ Command: 'Unknown' });
        const a = arg.toLowerCase();
        if (a === 'on' || a === '1' || a === 'true') this.relay.set(true, source);
        else if (a === 'off' || a === '0' || a === 'false') this.relay.set(false, source);
        else if (a === 'toggle' || a === '2') this.relay.set(!this.relay.on, source);
        return out({ POWER: this.relay.on ? 'ON' : 'OFF' });
      }
      case 'status': {
        const n = Number(arg || '0');
        // Status answers go to stat/<topic>/STATUS<n>, not RESULT.
        if (n === 11)
          return out(
            {
              StatusSTS: {
                Time: new Date().toISOString().slice(0, 19),
                Uptime: '1T00:00:00',
                POWER: this.relay.on ? 'ON' : 'OFF',
                Wifi: { SSId: 'home', RSSI: 70 },
              },
            },
            'STATUS11',
          );
        if (n === 10)
          return out(
            {
              StatusSNS: {
                Time: new Date().toISOString().slice(0, 19),
                ...(this.energy
                  ? {
                      ENERGY: {
                        Total: 12.345,
                        Yesterday: 0.2,
                        Today: 0.1,
                        Power: this.relay.power,
                        ApparentPower: this.relay.power,
                        Voltage: 230,
                        Current: this.relay.power / 230,
                      },
                    }
                  : {}),
              },
            },
            'STATUS10',
          );
        if (n === 2)
          return out(
            {
              StatusFWR: {
                Version: this.version,
                BuildDateTime: '2024-01-01T00:00:00',
                Core: '2_7_4_9',
                SDK: '2.2.2-dev(38a443e)',
              },
            },
            'STATUS2',
          );
        return out({ Command: 'Unknown' });
      }
      case 'backlog': {
        this.queue.push(
          ...arg
            .split(';')
            .map((c) => c.trim())
            .filter(Boolean),
        );
        this.pump(BACKLOG_STEP_MS);
        return [];
      }
      case 'delay': {
        // Outside a Backlog, Delay only reports the time left.
        return out({ Delay: 0 });
      }
      case 'timedpower': {
        if (!supportsTimedPower(this.version)) return out({ Command: 'Unknown' });
        const [msText, stateText = 'on'] = arg.split(',').map((s) => s.trim().toLowerCase());
        const ms = Math.max(50, Number(msText));
        if (!Number.isFinite(ms)) return out({ Command: 'Error' });
        const start = !(stateText === 'off' || stateText === '0');
        this.relay.timed(start, ms / 1000, 'command');
        return out({ POWER: this.relay.on ? 'ON' : 'OFF' });
      }
      default:
        return out({ Command: 'Unknown' });
    }
  }

  private pump(waitMs: number): void {
    if (this.queueTimer) return;
    this.queueTimer = setTimeout(() => {
      this.queueTimer = undefined;
      const next = this.queue.shift();
      if (next === undefined) return;
      const delay = next.match(/^delay\s+(\d+)$/i);
      if (delay) {
        const tenths = Number(delay[1]);
        this.pump(tenths >= 2 && tenths <= 3600 ? tenths * 100 : BACKLOG_STEP_MS);
        return;
      }
      // Queued commands run on the device's own clock, like a timer.
      this.run(next, 'timer');
      this.pump(BACKLOG_STEP_MS);
    }, waitMs);
  }

  close(): void {
    if (this.queueTimer) clearTimeout(this.queueTimer);
    this.queue = [];
  }
}

function supportsTimedPower(version: string): boolean {
  const [a = 0, b = 0, c = 0, d = 0] = (version.match(/^[\d.]+/)?.[0] ?? '0').split('.').map(Number);
  return a * 1e9 + b * 1e6 + c * 1e3 + d >= 13 * 1e9 + 3 * 1e6 + 0 * 1e3 + 3;
}

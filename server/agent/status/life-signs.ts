// How the agent's last run ended: a run record (running / stopped cleanly, with the host's boot
// id) written once at start and once at a clean stop — each a durable SQLite write — and a last
// sign of life written every 30 s to a small file, without fsync.
//
// Why no fsync for the sign of life: after a crash of the agent alone (kill -9, OOM) the kernel
// still writes the page cache out, so the file is exact to the interval; after a power cut it
// loses only what the kernel had not written back yet (dirty pages expire after 30 s, the flusher
// runs every 5 s), so it is at most about a minute old — enough for "around 14:02". An fsync
// every 30 s would wear an SD card for nothing. Durable writes the agent makes anyway (an event,
// an audit row) count as signs of life too.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../store/db.js';
import type { KvRepo } from '../../store/kv-repo.js';

export const ALIVE_EVERY_MS = 30_000;
const RUN_KEY = 'status.run';

interface RunRecord {
  state: 'running' | 'stopped';
  bootId: string | null;
  startedAt: number;
  stoppedAt?: number;
}

export type PreviousRun =
  | { kind: 'first' }
  | { kind: 'clean'; stoppedAt: number; hostRebooted: boolean }
  | {
      kind: 'unclean';
      /** The last sign of life: when it went down, give or take the interval. */
      lastSeenAt: number;
      hostRebooted: boolean;
      /** The boot ids, when both are known. */
      bootIds: [string, string] | null;
    };

export class LifeSigns {
  private timer: NodeJS.Timeout | null = null;
  private run: RunRecord | null = null;
  private readonly file: string;

  constructor(
    private readonly deps: { dataDir: string; kv: KvRepo; db: Db; now: () => number; everyMs?: number },
  ) {
    this.file = path.join(deps.dataDir, 'alive');
  }

  /** Reads how the last run ended, then records this one as running. */
  begin(bootId: string | null): PreviousRun {
    const now = this.deps.now();
    const before = this.deps.kv.get<RunRecord>(RUN_KEY);
    const previous = this.judge(before, bootId);
    this.run = { state: 'running', bootId, startedAt: now };
    this.deps.kv.set(RUN_KEY, this.run);
    this.beat();
    this.timer = setInterval(() => this.beat(), this.deps.everyMs ?? ALIVE_EVERY_MS);
    this.timer.unref();
    return previous;
  }

  /** A clean stop: the record says so, durably. */
  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.run) return;
    this.beat();
    this.deps.kv.set(RUN_KEY, { ...this.run, state: 'stopped', stoppedAt: this.deps.now() });
    this.run = null;
  }

  private beat(): void {
    try {
      writeFileSync(this.file, `${this.deps.now()}\n`, { mode: 0o600 });
    } catch {
      // A full or read-only disk: the run record and the database still tell the story.
    }
  }

  private judge(before: RunRecord | undefined, bootId: string | null): PreviousRun {
    if (!before) return { kind: 'first' };
    const rebooted = before.bootId !== null && bootId !== null && before.bootId !== bootId;
    if (before.state === 'stopped')
      return { kind: 'clean', stoppedAt: before.stoppedAt ?? before.startedAt, hostRebooted: rebooted };
    return {
      kind: 'unclean',
      lastSeenAt: Math.max(before.startedAt, this.aliveAt(), this.lastRecordAt()),
      hostRebooted: rebooted,
      bootIds: before.bootId && bootId ? [before.bootId, bootId] : null,
    };
  }

  /** The sign-of-life file: its number, else (torn by the cut) the time it was last written. */
  private aliveAt(): number {
    try {
      const n = Number(readFileSync(this.file, 'utf8').trim());
      if (Number.isSafeInteger(n) && n > 0) return n;
      return Math.round(statSync(this.file).mtimeMs);
    } catch {
      return 0;
    }
  }

  /** The newest event or audit row: each was written durably while the agent lived (read before this run writes any). */
  private lastRecordAt(): number {
    const row = this.deps.db
      .prepare(
        'SELECT max(at) AS at FROM (SELECT max(at) AS at FROM events UNION ALL SELECT max(at) FROM audit)',
      )
      .get() as { at: number | null } | undefined;
    return row?.at ?? 0;
  }
}

// A fake host root: the files a test writes under a temp folder, read through the same HostFiles
// the agent uses with `host.root`, for states this machine cannot be put in on demand.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type HostFiles, hostFiles } from '../../server/agent/host-files.js';
import { tempDir } from './temp.js';

export interface FakeHost {
  root: string;
  files: HostFiles;
  write(hostPath: string, content: string): void;
  remove(hostPath: string): void;
  /** Deletes the whole tree. */
  close(): void;
}

export function fakeHost(initial: Record<string, string> = {}): FakeHost {
  const tmp = tempDir('lifeline-host-');
  const write = (hostPath: string, content: string) => {
    const file = path.join(tmp.dir, hostPath);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  for (const [p, c] of Object.entries(initial)) write(p, c);
  return {
    root: tmp.dir,
    files: hostFiles(tmp.dir),
    write,
    remove: (hostPath) => rmSync(path.join(tmp.dir, hostPath), { recursive: true, force: true }),
    close: tmp.remove,
  };
}

/** A /proc/pressure file as the kernel writes it. */
export function pressureFile(someAvg10: number, fullAvg10: number | null = 0, total = 1000): string {
  const line = (kind: string, avg10: number) =>
    `${kind} avg10=${avg10.toFixed(2)} avg60=${(avg10 / 2).toFixed(2)} avg300=${(avg10 / 4).toFixed(2)} total=${total}\n`;
  return line('some', someAvg10) + (fullAvg10 === null ? '' : line('full', fullAvg10));
}

/** /proc/meminfo with the fields the agent reads (sizes in bytes, written in kB). */
export function meminfoFile(m: {
  total: number;
  available: number;
  swapTotal?: number;
  swapFree?: number;
}): string {
  const kb = (n: number) => `${Math.round(n / 1024)} kB`;
  return [
    `MemTotal:       ${kb(m.total)}`,
    `MemFree:        ${kb(m.available / 2)}`,
    `MemAvailable:   ${kb(m.available)}`,
    'Buffers:           22112 kB',
    `SwapTotal:      ${kb(m.swapTotal ?? 0)}`,
    `SwapFree:       ${kb(m.swapFree ?? 0)}`,
    '',
  ].join('\n');
}

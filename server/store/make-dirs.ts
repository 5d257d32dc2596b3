// `mkdir -p` one level at a time. Node's own recursive mkdirSync never returns for a path under
// /proc (the kernel answers ENOENT for the new name while its parent exists, and Node retries the
// parent for ever): a config saying `data: /proc/lifeline` hung `lifeline check` and start.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Creates a folder and any missing parents with `mode`; throws the system's error for the first that cannot be made. */
export function makeDirs(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !existsSync(d); ) {
    missing.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode });
    } catch (err) {
      // Made meanwhile by someone else: fine, as for mkdir -p.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

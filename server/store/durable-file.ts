// Writing a small file so that a power cut leaves either the old file or the new one, never an
// empty one: a file renamed into place before its data reached the disk comes back zero-length.
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Writes `file` atomically and durably: temp file, fsync, rename, fsync of the folder. */
export function writeFileDurably(file: string, data: string, mode = 0o600): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    fchmodSync(fd, mode); // a leftover temp file keeps its old mode through open()
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  // The rename is only durable once the folder that holds both names is.
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

// Initial JS+CSS of the PWA, gzipped: what index.html loads before anything else (budget 40 KB).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export async function pwaSize() {
  const dir = fileURLToPath(new URL('../dist/client/', import.meta.url));
  const html = readFileSync(`${dir}index.html`, 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  let raw = 0;
  let gz = 0;
  for (const ref of refs) {
    const bytes = readFileSync(`${dir}${ref}`);
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  return [
    { metric: 'initial JS+CSS (gzip)', value: Math.round(gz / 102.4) / 10, unit: 'KB' },
    { metric: 'initial JS+CSS (raw)', value: Math.round(raw / 102.4) / 10, unit: 'KB' },
  ];
}

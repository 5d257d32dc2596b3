// The PWA's files as a phone's browser gets them: hashed assets cached for good, everything that
// keeps its name across versions asked for again, and the security headers on every file.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { pwaStatic } from '../../../server/http/pwa-static.js';
import { securityHeaders } from '../../../server/http/security-headers.js';
import { tempDir } from '../../harness/temp.js';

const built = tempDir('lifeline-pwa-');
const empty = tempDir('lifeline-pwa-empty-');
mkdirSync(path.join(built.dir, 'assets'));
mkdirSync(path.join(built.dir, 'icons'));
for (const [file, text] of [
  ['index.html', '<!doctype html><title>Lifeline</title>'],
  ['sw.js', 'self.addEventListener("push", () => {});'],
  ['manifest.webmanifest', '{"name":"Lifeline"}'],
  ['assets/index-3f9a1c.js', 'console.log(1)'],
  ['icons/icon-192.png', 'png'],
] as const)
  writeFileSync(path.join(built.dir, file), text);

afterAll(() => {
  built.remove();
  empty.remove();
});

async function serve(root: string) {
  const app = Fastify();
  securityHeaders(app, { connect: [] });
  await app.register(pwaStatic, { root });
  return app;
}

describe('pwa-static', () => {
  it('caches hashed assets for a year and has the browser ask again for everything else', async () => {
    const app = await serve(built.dir);
    const cache = async (url: string) => (await app.inject({ url })).headers['cache-control'];
    expect(await cache('/assets/index-3f9a1c.js')).toBe('public, max-age=31536000, immutable');
    for (const url of ['/', '/index.html', '/sw.js', '/manifest.webmanifest', '/icons/icon-192.png'])
      expect([url, await cache(url)]).toEqual([url, 'no-cache']);
    await app.close();
  });

  it('sends nosniff, no-referrer and a CSP without inline script or framing with every file', async () => {
    const app = await serve(built.dir);
    for (const url of ['/', '/assets/index-3f9a1c.js', '/sw.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
    }
    expect((await app.inject({ url: '/nope.js' })).statusCode).toBe(404);
    await app.close();
  });

  it('says how to build the app when it was not built', async () => {
    const app = await serve(empty.dir);
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
    await app.close();
  });
});

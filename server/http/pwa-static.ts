// The built PWA, served by the agent (and by a relay only when its owner opted in), with cache
// headers that keep it up to date (security headers: security-headers.ts); or, when it was not
// built, a line saying so.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface PwaStaticOptions {
  /** The built PWA's folder (CLIENT_DIR unless a test serves a copy). */
  root: string;
}

const NOT_BUILT = 'The Lifeline app is not built. Run `npm run build`, then restart.\n';

export const pwaStatic: FastifyPluginAsync<PwaStaticOptions> = async (app, opts) => {
  if (!existsSync(path.join(opts.root, 'index.html'))) {
    app.get('/', async (_req, reply) => reply.type('text/plain').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: opts.root,
    index: ['index.html'],
    // Otherwise send's `public, max-age=0` replaces the cache-control set below.
    cacheControl: false,
    setHeaders(res, file) {
      // Vite hashes everything under assets/; the rest (index.html, sw.js, the manifest, icons)
      // keeps its name across versions, so it must be asked for again each time.
      if (file.includes(`${path.sep}assets${path.sep}`))
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      else res.setHeader('cache-control', 'no-cache');
    },
  });
};

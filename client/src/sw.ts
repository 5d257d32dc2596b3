/// <reference lib="webworker" />
// The service worker: precached app shell (opens with home unreachable), push notifications, and
// notification taps. Each listener hands its work to a plain function in sw/handlers.ts.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { fromBase64Url } from '../../shared/bytes.js';
import { store } from './db.js';
import { handleMessage, notificationForPush, openTarget, readPush } from './sw/handlers.js';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/ws\//, /^\/healthz/] }),
);

self.addEventListener('push', (event) => {
  const data = event.data?.text();
  event.waitUntil(
    (async () => {
      const pairing = await store.pairing().catch(() => undefined);
      const payload = await readPush(data, {
        agentKey: pairing ? fromBase64Url(pairing.agentKey) : undefined,
        firstUse: firstPushUse,
      }).catch(() => null);
      const spec = notificationForPush(payload);
      await self.registration.showNotification(spec.title, spec.options);
    })(),
  );
});

/** Numbers of the signed pushes shown lately: each is shown once. */
async function firstPushUse(seq: number): Promise<boolean> {
  const seen = (await store.get<number[]>('push.seen')) ?? [];
  if (seen.includes(seq)) return false;
  await store.set('push.seen', [...seen, seq].slice(-500));
  return true;
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openTarget(self.registration.scope, event.notification.data, self.clients));
});

self.addEventListener('message', (event) => {
  const work = handleMessage(event.data, () => self.skipWaiting());
  if (work) event.waitUntil(work);
});

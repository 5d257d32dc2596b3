/// <reference lib="webworker" />
// The service worker: precached app shell (opens with home unreachable), push notifications, and
// notification taps. Each listener hands its work to a plain function in sw/handlers.ts.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { handleMessage, notificationForPush, openTarget } from './sw/handlers.js';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/ws\//, /^\/healthz/] }),
);

self.addEventListener('push', (event) => {
  const spec = notificationForPush(event.data?.text());
  event.waitUntil(self.registration.showNotification(spec.title, spec.options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openTarget(self.registration.scope, event.notification.data, self.clients));
});

self.addEventListener('message', (event) => {
  const work = handleMessage(event.data, () => self.skipWaiting());
  if (work) event.waitUntil(work);
});

// Registers the service worker and owns the update prompt: a new version waits until the user
// says "reload", then takes over and the page reloads once — never half old, half new.
import { signal } from '@preact/signals';
import type { Workbox } from 'workbox-window';

export const updateReady = signal(false);
export const offlineReady = signal(false);
let wb: Workbox | null = null;

export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  // workbox-window loads after the first screen is up; it is not needed to show it.
  const { Workbox } = await import('workbox-window');
  wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => {
    updateReady.value = true;
  });
  wb.addEventListener('controlling', (event) => {
    if (event.isUpdate) location.reload();
  });
  wb.addEventListener('installed', (event) => {
    if (!event.isUpdate) offlineReady.value = true;
  });
  // Notification taps while the app is open: show the item without a reload.
  navigator.serviceWorker.addEventListener(
    'message',
    (event: MessageEvent<{ type?: string; url?: string }>) => {
      if (event.data?.type === 'navigate' && event.data.url) location.hash = new URL(event.data.url).hash;
    },
  );
  void wb.register();
  // Look for a new version whenever the app comes back to the foreground.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void wb?.update();
  });
}

export function applyUpdate(): void {
  wb?.messageSkipWaiting();
}

export async function swRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator)) return undefined;
  return navigator.serviceWorker.ready;
}

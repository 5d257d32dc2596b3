import { signal } from '@preact/signals';

/** Ticks so that ages ("2 min ago") stay true on screen without re-rendering every second. */
export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 15_000);

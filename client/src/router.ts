// Hash routes: the fragment never reaches a server, so pairing codes in `#/pair/…` stay on the device,
// and notification deep links (`#/containers/nas/ddns`) work the same offline.
import { signal } from '@preact/signals';

export interface Route {
  screen: string;
  params: string[];
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { screen: parts[0] ?? 'home', params: parts.slice(1) };
}

export const route = signal<Route>(parseHash(location.hash));
window.addEventListener('hashchange', () => {
  route.value = parseHash(location.hash);
});

export function navigate(path: string): void {
  location.hash = `#/${path}`;
}

import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type ScreenProps = { params: string[] };

/** A screen whose code loads on first visit; the service worker has it precached for offline use. */
export function lazyScreen(load: () => Promise<ComponentType<ScreenProps>>): ComponentType<ScreenProps> {
  let loaded: ComponentType<ScreenProps> | null = null;
  let pending: Promise<void> | null = null;
  return function LazyScreen(props: ScreenProps) {
    const [, setReady] = useState(false);
    useEffect(() => {
      if (loaded) return;
      pending ??= load().then((c) => {
        loaded = c;
      });
      let live = true;
      void pending.then(() => live && setReady(true));
      return () => {
        live = false;
      };
    }, []);
    const Screen = loaded;
    return Screen ? <Screen {...props} /> : <main class="screen" aria-busy="true" />;
  };
}

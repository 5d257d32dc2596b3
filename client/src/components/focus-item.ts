import { useEffect } from 'preact/hooks';

/** The DOM id of a listed item (a container, a host, a plug), for deep links from notifications. */
export const itemDomId = (id: string) => `item-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * A notification opens `#/<screen>/<item>`: bring that item into view, mark it, and put focus on its
 * first available action, so the fix is one tap away. Items may arrive a moment after the screen
 * (state still loading), so it keeps looking for a couple of seconds.
 */
export function useFocusedItem(params: string[]): string | undefined {
  const id = params[0] ? decodeURIComponent(params[0]) : undefined;
  useEffect(() => {
    if (!id) return;
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const find = () => {
      const el = document.getElementById(itemDomId(id));
      if (!el) {
        if (tries++ < 40) timer = setTimeout(find, 50);
        return;
      }
      el.scrollIntoView({ block: 'center' });
      el.querySelector<HTMLElement>('button:not([disabled]), a[href]')?.focus({ preventScroll: true });
    };
    find();
    return () => clearTimeout(timer);
  }, [id]);
  return id;
}

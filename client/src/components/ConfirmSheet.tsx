import { useEffect, useRef, useState } from 'preact/hooks';
import { sameName } from '../../../shared/protocol/frames.js';
import { type PendingConfirm, pendingConfirm } from '../actions.js';
import { t } from '../i18n/index.js';
import { HoldButton, type HoldBy } from './HoldButton.js';
import { Say } from './Say.js';

/** How long after the finger lifts a click is still the lift's own (not a new tap). */
const GHOST_CLICK_MS = 500;

/**
 * Swallows the click (and long-press menu) that a lift at (x, y) makes, wherever it would land now
 * that the sheet is gone — only there and only just after, so the next real tap is never eaten.
 */
function swallowLiftClick(x: number, y: number): void {
  const until = Date.now() + GHOST_CLICK_MS;
  const swallow = (e: Event) => {
    const m = e as MouseEvent;
    if (Date.now() > until || Math.hypot(m.clientX - x, m.clientY - y) > 16) return;
    e.preventDefault();
    e.stopPropagation();
  };
  window.addEventListener('click', swallow, { capture: true });
  window.addEventListener('contextmenu', swallow, { capture: true });
  setTimeout(() => {
    window.removeEventListener('click', swallow, { capture: true });
    window.removeEventListener('contextmenu', swallow, { capture: true });
  }, GHOST_CLICK_MS);
}

let stopWaiting: (() => void) | null = null;

/** Calls `then` once, at the next lift of the finger (or mouse button) anywhere. */
function awaitLift(then: (x: number, y: number) => void): void {
  stopWaiting?.();
  const lifted = (e: PointerEvent) => {
    stopWaiting?.();
    then(e.clientX, e.clientY);
  };
  document.addEventListener('pointerup', lifted, true);
  document.addEventListener('pointercancel', lifted, true);
  stopWaiting = () => {
    document.removeEventListener('pointerup', lifted, true);
    document.removeEventListener('pointercancel', lifted, true);
    stopWaiting = null;
  };
}

/**
 * The guard's confirmation, as a bottom sheet: what will happen, then hold-to-confirm — or, for a
 * lifeline, the name typed (letter case aside). The agent checks the challenge; this only carries
 * the answer. A hold answers the moment it completes, but the sheet stays under the finger until
 * it lifts, and the click the lift makes is swallowed: it must not tap what was underneath.
 */
export function ConfirmSheet() {
  const pending = pendingConfirm.value;
  /** The sheet kept on screen after a completed hold, until the finger lifts. */
  const [held, setHeld] = useState<PendingConfirm | null>(null);
  const shown = pending ?? held;
  const [text, setText] = useState('');
  const [left, setLeft] = useState(60);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    if (!pending) return;
    setText('');
    dialog.current?.showModal?.();
    const tick = () => setLeft(Math.max(0, Math.round((pending.confirm.expiresAt - Date.now()) / 1000)));
    tick();
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [pending]);

  if (!shown) return null;
  const { confirm, answer } = shown;
  const needsText = confirm.typeToConfirm !== undefined;
  const typed = confirm.typeToConfirm !== undefined && sameName(text, confirm.typeToConfirm);
  const ready = !held && left > 0 && (!needsText || typed);
  const close = (value: string | null) => {
    dialog.current?.close?.();
    answer(value);
  };
  const held_ = (by: HoldBy) => {
    if (by === 'key') return close(text);
    setHeld(shown);
    answer(text);
    awaitLift((x, y) => {
      swallowLiftClick(x, y);
      dialog.current?.close?.();
      setHeld(null);
    });
  };

  return (
    <dialog ref={dialog} class="sheet" aria-labelledby="confirm-title" onCancel={() => !held && close(null)}>
      <h2 id="confirm-title">
        <Say m={confirm.titleMsg} text={confirm.title} />
      </h2>
      <ul class="consequences">
        {confirm.consequences.map((c, i) => (
          <li key={c}>
            <Say m={confirm.consequencesMsg?.[i]} text={c} />
          </li>
        ))}
      </ul>
      {needsText && (
        <label class="field">
          <span>{t('confirm.typeName', { name: confirm.typeToConfirm! })}</span>
          <input
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
            autoComplete="off"
            autoCapitalize="off"
            spellcheck={false}
          />
          <span class="muted small">{t('confirm.caseHint')}</span>
        </label>
      )}
      {confirm.passkey && <p class="muted">{t('confirm.passkey')}</p>}
      <p class="muted" aria-live="polite" data-testid="confirm-expiry">
        {left > 0 ? t('confirm.expires', { n: left }) : t('confirm.expired')}
      </p>
      <div class="row">
        <button type="button" class="btn" disabled={Boolean(held)} onClick={() => close(null)}>
          {left > 0 || held ? t('confirm.cancel') : t('confirm.close')}
        </button>
        {needsText ? (
          <button type="button" class="btn danger" disabled={!ready} onClick={() => close(text)}>
            {t('confirm.ok')}
          </button>
        ) : (
          <HoldButton
            class="danger"
            label={t('confirm.hold')}
            holdingLabel={t('confirm.holding')}
            doneLabel={t('confirm.done')}
            disabled={!ready && !held}
            onConfirm={held_}
          />
        )}
      </div>
    </dialog>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { pendingConfirm } from '../actions.js';
import { t } from '../i18n/index.js';
import { HoldButton } from './HoldButton.js';

/**
 * The guard's confirmation, as a bottom sheet: what will happen, then hold-to-confirm — or, for a
 * lifeline, the exact name typed. The agent checks the challenge; this only carries the answer.
 */
export function ConfirmSheet() {
  const pending = pendingConfirm.value;
  const [text, setText] = useState('');
  const [left, setLeft] = useState(60);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    setText('');
    if (!pending) return;
    dialog.current?.showModal?.();
    const tick = () => setLeft(Math.max(0, Math.round((pending.confirm.expiresAt - Date.now()) / 1000)));
    tick();
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [pending]);

  if (!pending) return null;
  const { confirm, answer } = pending;
  const needsText = confirm.typeToConfirm !== undefined;
  const ready = left > 0 && (!needsText || text.trim() === confirm.typeToConfirm);
  const close = (value: string | null) => {
    dialog.current?.close?.();
    answer(value);
  };

  return (
    <dialog ref={dialog} class="sheet" aria-labelledby="confirm-title" onCancel={() => close(null)}>
      <h2 id="confirm-title">{confirm.title}</h2>
      <ul class="consequences">
        {confirm.consequences.map((c) => (
          <li key={c}>{c}</li>
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
        </label>
      )}
      {confirm.passkey && <p class="muted">{t('confirm.passkey')}</p>}
      <p class="muted" aria-live="polite">
        {t('confirm.expires', { n: left })}
      </p>
      <div class="row">
        <button type="button" class="btn" onClick={() => close(null)}>
          {t('confirm.cancel')}
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
            disabled={!ready}
            onConfirm={() => close(text)}
          />
        )}
      </div>
    </dialog>
  );
}

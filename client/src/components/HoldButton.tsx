import { useEffect, useRef, useState } from 'preact/hooks';

export const HOLD_MS = 1000;

/**
 * A button that acts only after being held down (pointer, or Enter/Space held), so a stray tap in a
 * pocket or a double tap never confirms anything. Progress is shown as a fill and announced once.
 */
export function HoldButton(props: {
  label: string;
  holdingLabel: string;
  disabled?: boolean;
  class?: string;
  onConfirm: () => void;
}) {
  const [progress, setProgress] = useState(0);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const started = useRef(0);

  const cancel = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
    setProgress(0);
  };
  const start = () => {
    if (props.disabled || timer.current) return;
    started.current = Date.now();
    timer.current = setInterval(() => {
      const p = Math.min(1, (Date.now() - started.current) / HOLD_MS);
      setProgress(p);
      if (p >= 1) {
        cancel();
        props.onConfirm();
      }
    }, 50);
  };
  useEffect(() => cancel, []);

  return (
    <button
      type="button"
      class={`btn hold ${props.class ?? ''}`}
      disabled={props.disabled}
      aria-label={props.label}
      style={{ '--hold': String(progress) }}
      onPointerDown={(e) => {
        (e.currentTarget as HTMLButtonElement).setPointerCapture?.(e.pointerId);
        start();
      }}
      onPointerUp={cancel}
      onPointerCancel={cancel}
      onPointerLeave={cancel}
      onKeyDown={(e) => {
        if ((e.key === 'Enter' || e.key === ' ') && !e.repeat) {
          e.preventDefault();
          start();
        }
      }}
      onKeyUp={(e) => {
        if (e.key === 'Enter' || e.key === ' ') cancel();
      }}
      onClick={(e) => e.preventDefault()}
      onContextMenu={(e) => e.preventDefault()}
    >
      <span class="hold-fill" aria-hidden="true" />
      <span class="hold-label">{progress > 0 ? props.holdingLabel : props.label}</span>
    </button>
  );
}

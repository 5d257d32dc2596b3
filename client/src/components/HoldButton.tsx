import { useEffect, useRef, useState } from 'preact/hooks';

export const HOLD_MS = 1000;

/** How the hold was made: a finger or mouse (still down when it completes), or a key. */
export type HoldBy = 'pointer' | 'key';

/**
 * A button that acts only after being held down (pointer, or Enter/Space held), so a stray tap in a
 * pocket or a double tap never confirms anything. Progress is shown as a fill and announced once.
 * It acts the moment the hold completes — while the finger is still down; what happens when the
 * finger lifts is the caller's (the confirm sheet stays until then).
 */
export function HoldButton(props: {
  label: string;
  holdingLabel: string;
  /** Shown once the hold completed, until the button goes away. */
  doneLabel?: string;
  disabled?: boolean;
  class?: string;
  onConfirm: (by: HoldBy) => void;
}) {
  const [progress, setProgress] = useState(0);
  const [done, setDone] = useState(false);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const started = useRef(0);

  const cancel = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
    setProgress(0);
  };
  const start = (by: HoldBy) => {
    if (props.disabled || timer.current || done) return;
    started.current = Date.now();
    timer.current = setInterval(() => {
      const p = Math.min(1, (Date.now() - started.current) / HOLD_MS);
      setProgress(p);
      if (p >= 1) {
        if (timer.current) clearInterval(timer.current);
        timer.current = null;
        setDone(true);
        props.onConfirm(by);
      }
    }, 50);
  };
  useEffect(() => cancel, []);

  const label = done
    ? (props.doneLabel ?? props.holdingLabel)
    : progress > 0
      ? props.holdingLabel
      : props.label;
  return (
    <button
      type="button"
      class={`btn hold ${props.class ?? ''}`}
      disabled={props.disabled}
      aria-label={done ? label : props.label}
      style={{ '--hold': String(done ? 1 : progress) }}
      onPointerDown={(e) => {
        (e.currentTarget as HTMLButtonElement).setPointerCapture?.(e.pointerId);
        start('pointer');
      }}
      onPointerUp={() => !done && cancel()}
      onPointerCancel={() => !done && cancel()}
      onPointerLeave={() => !done && cancel()}
      onKeyDown={(e) => {
        if ((e.key === 'Enter' || e.key === ' ') && !e.repeat) {
          e.preventDefault();
          start('key');
        }
      }}
      onKeyUp={(e) => {
        if ((e.key === 'Enter' || e.key === ' ') && !done) cancel();
      }}
      onClick={(e) => e.preventDefault()}
      onContextMenu={(e) => e.preventDefault()}
    >
      <span class="hold-fill" aria-hidden="true" />
      <span class="hold-label">{label}</span>
    </button>
  );
}

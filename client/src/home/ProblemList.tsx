// Home's first card: what is wrong, most serious first, each with its one-tap fix (through the
// guard and its confirm sheet, like any tap), or "All clear".
import { useState } from 'preact/hooks';
import './problems.css';
import { connState } from '../connection.js';
import { say, t } from '../i18n/index.js';
import { type Problem, sortProblems } from './problem.js';

const SEEN_KEY = 'lifeline.seenProblems';

function seenIds(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(SEEN_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

type Note = { ok: boolean; text: string } | null;

function ProblemRow({ p, onSeen }: { p: Problem; onSeen: () => void }) {
  const online = connState.value === 'online';
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>(null);
  const fix = async () => {
    if (!p.fix) return;
    setBusy(true);
    setNote(null);
    const r = await p.fix.run();
    setBusy(false);
    if (r.status === 'ok') setNote({ ok: true, text: t('home.problems.done') });
    else if (r.status === 'error' && r.error.message !== 'cancelled')
      setNote({ ok: false, text: t('home.problems.failed', { reason: say(r.error.msg, r.error.message) }) });
  };
  return (
    <li class={`problem ${p.severity}`} data-testid={`problem-${p.id}`} data-severity={p.severity}>
      <div class="problem-text">
        <div class="problem-title">
          {p.severity === 'critical' && <span class="sr-only">{t('home.problems.critical')}: </span>}
          {p.title}
        </div>
        {p.detail && <div class="muted small">{p.detail}</div>}
        {p.fix?.disabled && <div class="muted small">{p.fix.disabled}</div>}
        {note && (
          <p
            class={note.ok ? 'muted small' : 'error small'}
            {...(note.ok ? { 'aria-live': 'polite' } : { role: 'alert' })}
          >
            {note.text}
          </p>
        )}
      </div>
      <div class="problem-actions">
        {p.fix && (
          <button
            type="button"
            class="btn small primary"
            disabled={!online || busy || Boolean(p.fix.disabled)}
            onClick={() => void fix()}
          >
            {busy ? t('home.problems.working') : p.fix.label}
          </button>
        )}
        {p.dismissible && (
          <button type="button" class="btn small" onClick={onSeen}>
            {t('home.problem.seen')}
          </button>
        )}
        {p.href && !p.fix && !p.dismissible && (
          <a class="btn small" href={p.href}>
            {t('home.problems.details')}
          </a>
        )}
      </div>
    </li>
  );
}

export function ProblemList({ problems }: { problems: Problem[] }) {
  const [seen, setSeen] = useState(seenIds);
  const shown = sortProblems(problems.filter((p) => !seen.has(p.id)));
  const markSeen = (id: string) => {
    const next = new Set(seen).add(id);
    setSeen(next);
    try {
      localStorage.setItem(SEEN_KEY, JSON.stringify([...next].slice(-50)));
    } catch {}
  };
  const stale = connState.value !== 'online';
  if (shown.length === 0)
    return (
      <section class="card problems all-clear" aria-labelledby="problems-h" data-testid="problems">
        <h2 id="problems-h">
          <span aria-hidden="true">✓ </span>
          {t('home.problems.clear')}
        </h2>
        <p class="muted">{stale ? t('home.problems.asOf') : t('home.problems.clearBody')}</p>
      </section>
    );
  return (
    <section class="card problems" aria-labelledby="problems-h" data-testid="problems">
      <h2 id="problems-h">
        {shown.length === 1 ? t('home.problems.one') : t('home.problems.count', { n: shown.length })}
      </h2>
      {stale && <p class="muted small">{t('home.problems.asOf')}</p>}
      <ul class="problem-list">
        {shown.map((p) => (
          <ProblemRow key={p.id} p={p} onSeen={() => markSeen(p.id)} />
        ))}
      </ul>
    </section>
  );
}

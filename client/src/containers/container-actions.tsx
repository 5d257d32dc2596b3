// A container action from a screen (through the confirm sheet when the guard asks), and the line
// that tells how it went.
import {
  type ContainerInfo,
  ContainersRestart,
  ContainersStart,
  ContainersStop,
} from '../../../shared/protocol/containers.js';
import { pendingConfirm, runAction } from '../actions.js';
import { errorText } from '../error-text.js';
import { type MessageKey, t } from '../i18n/index.js';

const ACTS = { restart: ContainersRestart, start: ContainersStart, stop: ContainersStop } as const;
export type Verb = keyof typeof ACTS;
export type Note = { ok: boolean; text: string } | null;

/** Null when the user cancelled (nothing to say). */
export async function act(verb: Verb, c: ContainerInfo): Promise<Note> {
  const r = await runAction(ACTS[verb], { target: `${c.engine}/${c.name}` });
  if (r.status === 'ok')
    return { ok: true, text: t(`containers.done.${verb}` as MessageKey, { name: c.name }) };
  if (r.status === 'error' && r.error.message === 'cancelled') return null;
  if (r.status === 'error')
    return {
      ok: false,
      text: errorText(r.error),
    };
  return null;
}

export function ActionNote({ note }: { note: Note }) {
  if (!note) return null;
  return (
    <p class={note.ok ? 'muted' : 'error'} role={note.ok ? 'status' : 'alert'}>
      {note.text}
    </p>
  );
}

/**
 * While an action runs at home (after any confirmation): a stop or restart can take Docker several
 * seconds, and greyed buttons alone do not say anything is happening.
 */
export function WorkingNote({ verb, name }: { verb: Verb | null; name: string }) {
  if (!verb || pendingConfirm.value) return null;
  return (
    <p class="muted" role="status" data-testid="working">
      {t(`containers.working.${verb}` as MessageKey, { name })}
    </p>
  );
}

// Every engine with its containers, grouped by compose project: state, exit code, errors and the
// restart one tap away.
import { useState } from 'preact/hooks';
import type { ContainerInfo, EngineInfo } from '../../../shared/protocol/containers.js';
import { now } from '../clock.js';
import { Say } from '../components/Say.js';
import { connState, listEntities } from '../connection.js';
import { formatDateTime, t, tParts } from '../i18n/index.js';
import { ContainerBadges } from './ContainerBadges.js';
import { ActionNote, act, type Note, type Verb, WorkingNote } from './container-actions.js';
import { stateLabel, tone, when } from './container-state.js';

function Row({ c, online, onNote }: { c: ContainerInfo; online: boolean; onNote: (n: Note) => void }) {
  const [working, setWorking] = useState<Verb | null>(null);
  const busy = working !== null;
  const run = async (verb: Verb) => {
    setWorking(verb);
    onNote(await act(verb, c));
    setWorking(null);
  };
  return (
    <li class="item ctr" data-testid={`container-${c.engine}-${c.name}`}>
      <a class="ctr-main" href={`#/containers/${encodeURIComponent(c.engine)}/${encodeURIComponent(c.name)}`}>
        <div class="item-title">
          <span class={`state-dot ${tone(c)}`} aria-hidden="true" />
          {c.name}
          <ContainerBadges c={c} />
        </div>
        <div class="muted small">
          <span data-testid="state">{stateLabel(c)}</span> · {when(c, now.value)}
          {c.restartCount > 0 && <> · {t('containers.restarts', { n: c.restartCount })}</>}
        </div>
        <WorkingNote verb={working} name={c.name} />
        {c.error && (
          <div class="ctr-error small" data-testid="error">
            {c.error}
          </div>
        )}
      </a>
      <button type="button" class="btn small" disabled={!online || busy} onClick={() => void run('restart')}>
        {t('containers.restart')}
      </button>
    </li>
  );
}

function EngineCard({
  id,
  e,
  list,
  online,
}: {
  id: string;
  e: EngineInfo;
  list: ContainerInfo[];
  online: boolean;
}) {
  const [note, setNote] = useState<Note>(null);
  const groups = new Map<string, ContainerInfo[]>();
  for (const c of [...list].sort((a, b) => a.name.localeCompare(b.name))) {
    const key = c.project ?? '';
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) =>
    a === '' ? 1 : b === '' ? -1 : a.localeCompare(b),
  );
  return (
    <section class="card engine" aria-labelledby={`engine-${id}`} data-testid={`engine-${id}`}>
      <h2 id={`engine-${id}`} class="item-title">
        {e.name}
        <span class={`badge ${e.reachable ? 'ok' : 'bad'}`}>
          {t(e.reachable ? 'containers.reachable' : 'containers.unreachable')}
        </span>
      </h2>
      {e.apiVersion && (
        <p class="muted small">
          {t('containers.engineFacts', {
            engine: e.engineVersion ?? '?',
            api: e.apiVersion,
            n: e.containers,
            running: e.running,
          })}
        </p>
      )}
      {!e.reachable && (
        <p class="banner warning" role="alert">
          {tParts('containers.engineDown', {
            time: formatDateTime(e.since),
            // The catalogue's words for the reason where the agent sent them; its English else.
            reason: <Say key="reason" m={e.reasonMsg} text={e.reason ?? ''} />,
          })}
        </p>
      )}
      <ActionNote note={note} />
      {list.length === 0 && <p class="muted">{t('containers.empty')}</p>}
      {ordered.map(([project, cs]) => (
        <div key={project} class="ctr-group">
          <h3 class="small muted">{project || t('containers.standalone')}</h3>
          <ul class="list">
            {cs.map((c) => (
              <Row key={c.name} c={c} online={online && e.reachable} onNote={setNote} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

export function ContainerList() {
  const engines = listEntities('containers.engine').sort((a, b) => a.id.localeCompare(b.id));
  const all = listEntities('containers').map((c) => c.data);
  const online = connState.value === 'online';
  return (
    <main class="screen">
      <h1>{t('containers.title')}</h1>
      {engines.length === 0 && <p class="muted">{t('containers.none')}</p>}
      {engines.map((e) => (
        <EngineCard
          key={e.id}
          id={e.id}
          e={e.data}
          list={all.filter((c) => c.engine === e.id)}
          online={online}
        />
      ))}
    </main>
  );
}

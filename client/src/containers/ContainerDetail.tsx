// One container: its state and badges, the actions, every fact, and its logs.
import { useState } from 'preact/hooks';
import { connState, entity } from '../connection.js';
import { t } from '../i18n/index.js';
import { ContainerBadges } from './ContainerBadges.js';
import { ContainerButtons } from './ContainerButtons.js';
import { ContainerFacts } from './ContainerFacts.js';
import { ContainerLogs, useContainerLogs } from './ContainerLogs.js';
import { ActionNote, act, type Note, type Verb, WorkingNote } from './container-actions.js';
import { tone } from './container-state.js';

export function ContainerDetail({ engine, name }: { engine: string; name: string }) {
  const c = entity('containers', `${engine}/${name}`);
  const e = entity('containers.engine', engine);
  const online = connState.value === 'online' && Boolean(e?.reachable);
  const [note, setNote] = useState<Note>(null);
  const [working, setWorking] = useState<Verb | null>(null);
  const busy = working !== null;
  const logs = useContainerLogs(engine, name, online);

  if (!c)
    return (
      <main class="screen">
        <a class="back" href="#/containers">
          ← {t('containers.back')}
        </a>
        <p class="muted">{t('containers.notFound')}</p>
      </main>
    );

  const run = async (verb: Verb) => {
    setNote(null);
    setWorking(verb);
    setNote(await act(verb, c));
    setWorking(null);
    if (verb !== 'stop') void logs.load();
  };
  return (
    <main class="screen">
      <a class="back" href="#/containers">
        ← {t('containers.back')}
      </a>
      <h1 class="item-title">
        <span class={`state-dot ${tone(c)}`} aria-hidden="true" />
        {c.name}
        <ContainerBadges c={c} />
      </h1>
      <WorkingNote verb={working} name={c.name} />
      <ActionNote note={note} />
      <ContainerButtons c={c} disabled={!online || busy} run={(verb) => void run(verb)} />
      <ContainerFacts c={c} engineName={e?.name ?? engine} />
      <ContainerLogs state={logs} online={online} />
    </main>
  );
}

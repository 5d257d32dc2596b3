import { useEffect, useState } from 'preact/hooks';
import {
  type ContainerInfo,
  ContainersLogs,
  ContainersRestart,
  ContainersStart,
  ContainersStop,
  type EngineInfo,
} from '../../../shared/protocol/containers.js';
import { runAction } from '../actions.js';
import { now } from '../clock.js';
import { connState, entity, listEntities } from '../connection.js';
import {
  formatAgo,
  formatDateTime,
  formatDuration,
  formatTime,
  lang,
  type MessageKey,
  registerMessages,
  t,
  tMaybe,
  tParts,
} from '../i18n/index.js';
import { containersMessages } from './messages.js';
import './containers.css';
import { DATA } from '../components/data.js';

registerMessages(containersMessages);

const ACTS = { restart: ContainersRestart, start: ContainersStart, stop: ContainersStop } as const;
type Verb = keyof typeof ACTS;
type Note = { ok: boolean; text: string } | null;

/** Red: dead or failed; amber: restarting, unhealthy, looping; green: running; grey: stopped cleanly. */
function tone(c: ContainerInfo): 'ok' | 'warn' | 'bad' | 'idle' {
  if (c.looping || c.state === 'restarting' || c.state === 'paused' || c.health === 'unhealthy')
    return 'warn';
  if (c.state === 'running') return 'ok';
  if (c.state === 'dead' || c.error || (c.exitCode !== null && c.exitCode !== 0)) return 'bad';
  return 'idle';
}

function stateLabel(c: ContainerInfo): string {
  return tMaybe(`containers.state.${c.state}`, c.state);
}

function when(c: ContainerInfo, at: number): string {
  if (c.state === 'running' && c.startedAt)
    return t('containers.up', { duration: formatDuration(at - c.startedAt) });
  if (c.finishedAt) return t('containers.stoppedAgo', { ago: formatAgo(c.finishedAt, at) });
  return t('containers.neverStarted');
}

function clockWithSeconds(at: number): string {
  return new Intl.DateTimeFormat(lang.value, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(at);
}

function exitText(code: number): string {
  const hint = tMaybe(`containers.exit.${code}`, '');
  return hint ? `${code} — ${hint}` : String(code);
}

async function act(verb: Verb, c: ContainerInfo): Promise<Note> {
  const r = await runAction(ACTS[verb], { target: `${c.engine}/${c.name}` });
  if (r.status === 'ok')
    return { ok: true, text: t(`containers.done.${verb}` as MessageKey, { name: c.name }) };
  if (r.status === 'error' && r.error.message === 'cancelled') return null;
  if (r.status === 'error')
    return {
      ok: false,
      text: tMaybe(`error.${r.error.code}`, r.error.message, { message: r.error.message }),
    };
  return null;
}

function Badges({ c }: { c: ContainerInfo }) {
  return (
    <>
      {c.exitCode !== null && c.exitCode !== 0 && (
        <span class="badge bad" data-testid="exit-badge">
          {t('containers.exitBadge', { code: c.exitCode })}
        </span>
      )}
      {!c.pinned && (
        <span
          class="badge warn"
          title={t(c.pin === 'latest' ? 'containers.pin.latest' : 'containers.pin.untagged')}
        >
          {t('containers.unpinned')}
        </span>
      )}
      {c.self && <span class="badge">{t('containers.self')}</span>}
      {c.lifeline && <span class="badge lifeline">{t('containers.lifeline')}</span>}
      {c.looping && <span class="badge warn">{t('containers.looping')}</span>}
      {c.bootRace && <span class="badge warn">{t('containers.bootRace')}</span>}
      {c.health === 'unhealthy' && <span class="badge warn">{t('containers.unhealthy')}</span>}
      {c.oomKilled && <span class="badge bad">{t('containers.oom')}</span>}
    </>
  );
}

function Row({ c, online, onNote }: { c: ContainerInfo; online: boolean; onNote: (n: Note) => void }) {
  const [busy, setBusy] = useState(false);
  const run = async (verb: Verb) => {
    setBusy(true);
    onNote(await act(verb, c));
    setBusy(false);
  };
  return (
    <li class="item ctr" data-testid={`container-${c.engine}-${c.name}`}>
      <a class="ctr-main" href={`#/containers/${encodeURIComponent(c.engine)}/${encodeURIComponent(c.name)}`}>
        <div class="item-title">
          <span class={`state-dot ${tone(c)}`} aria-hidden="true" />
          {c.name}
          <Badges c={c} />
        </div>
        <div class="muted small">
          <span data-testid="state">{stateLabel(c)}</span> · {when(c, now.value)}
          {c.restartCount > 0 && <> · {t('containers.restarts', { n: c.restartCount })}</>}
        </div>
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
            reason: (
              <span key="reason" {...DATA}>
                {e.reason ?? ''}
              </span>
            ),
          })}
        </p>
      )}
      {note && (
        <p class={note.ok ? 'muted' : 'error'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
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

interface Logs {
  lines: { at: number | null; stream: 'stdout' | 'stderr'; text: string }[];
  truncated: boolean;
}

function Detail({ engine, name }: { engine: string; name: string }) {
  const c = entity('containers', `${engine}/${name}`);
  const e = entity('containers.engine', engine);
  const online = connState.value === 'online' && Boolean(e?.reachable);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const [logs, setLogs] = useState<Logs | null>(null);
  const [logsError, setLogsError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const loadLogs = async () => {
    setLoading(true);
    const r = await runAction(ContainersLogs, { target: `${engine}/${name}`, args: { lines: 200 } });
    setLoading(false);
    if (r.status === 'ok') {
      setLogs(r.data);
      setLogsError(null);
    } else if (r.status === 'error')
      setLogsError(tMaybe(`error.${r.error.code}`, r.error.message, { message: r.error.message }));
  };
  useEffect(() => {
    if (online) void loadLogs();
  }, [engine, name, online]);

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
    setBusy(true);
    setNote(await act(verb, c));
    setBusy(false);
    if (verb !== 'stop') void loadLogs();
  };
  const running = c.state === 'running' || c.state === 'restarting';
  const r = c.recovery;
  return (
    <main class="screen">
      <a class="back" href="#/containers">
        ← {t('containers.back')}
      </a>
      <h1 class="item-title">
        <span class={`state-dot ${tone(c)}`} aria-hidden="true" />
        {c.name}
        <Badges c={c} />
      </h1>
      {note && (
        <p class={note.ok ? 'muted' : 'error'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
      <div class="row start">
        <button
          type="button"
          class="btn primary"
          disabled={!online || busy}
          onClick={() => void run('restart')}
        >
          {t('containers.restart')}
        </button>
        {running ? (
          <button
            type="button"
            class="btn danger-outline"
            disabled={!online || busy}
            onClick={() => void run('stop')}
          >
            {t('containers.stop')}
          </button>
        ) : (
          <button type="button" class="btn" disabled={!online || busy} onClick={() => void run('start')}>
            {t('containers.start')}
          </button>
        )}
      </div>
      <section class="card">
        <dl class="facts">
          <dt>{t('containers.facts.state')}</dt>
          <dd data-testid="detail-state">
            {stateLabel(c)} · {when(c, now.value)}
          </dd>
          {c.exitCode !== null && (
            <>
              <dt>{t('containers.facts.exitCode')}</dt>
              <dd>{exitText(c.exitCode)}</dd>
            </>
          )}
          {c.error && (
            <>
              <dt>{t('containers.facts.error')}</dt>
              <dd class="ctr-error">{c.error}</dd>
            </>
          )}
          {c.startedAt && (
            <>
              <dt>{t('containers.facts.started')}</dt>
              <dd>{formatDateTime(c.startedAt)}</dd>
            </>
          )}
          {c.finishedAt && (
            <>
              <dt>{t('containers.facts.finished')}</dt>
              <dd>{formatDateTime(c.finishedAt)}</dd>
            </>
          )}
          <dt>{t('containers.facts.restarts')}</dt>
          <dd>{c.restartCount}</dd>
          <dt>{t('containers.facts.policy')}</dt>
          <dd>{c.restartPolicy}</dd>
          {c.health && (
            <>
              <dt>{t('containers.facts.health')}</dt>
              <dd>
                {c.health}
                {c.healthOutput ? ` — ${c.healthOutput}` : ''}
              </dd>
            </>
          )}
          <dt>{t('containers.facts.image')}</dt>
          <dd>
            <span class="mono">{c.image}</span>
            <div class={`small ${c.pinned ? 'muted' : 'warn-text'}`}>
              {t(`containers.pin.${c.pin}` as MessageKey)}
            </div>
          </dd>
          {c.project && (
            <>
              <dt>{t('containers.facts.project')}</dt>
              <dd>
                {c.project}
                {c.service ? ` / ${c.service}` : ''}
              </dd>
            </>
          )}
          {c.lifelineWhy && (
            <>
              <dt>{t('containers.facts.lifeline')}</dt>
              <dd>{c.lifelineWhy}</dd>
            </>
          )}
          {c.networkOf && (
            <>
              <dt>{t('containers.facts.network')}</dt>
              <dd>{c.networkOf}</dd>
            </>
          )}
          {r && (
            <>
              <dt>{t('containers.facts.recovery')}</dt>
              <dd>
                {t(`containers.recovery.${r.status}` as MessageKey, {
                  n: r.attempts,
                  time: r.nextAt ? formatTime(r.nextAt) : '',
                })}
              </dd>
            </>
          )}
          <dt>{t('containers.facts.engine')}</dt>
          <dd>{e?.name ?? engine}</dd>
          <dt>{t('containers.facts.id')}</dt>
          <dd class="mono">{c.containerId}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="logs-h">
        <h2 id="logs-h" class="item-title">
          {t('containers.logs')}
          <button type="button" class="link" disabled={!online || loading} onClick={() => void loadLogs()}>
            {t('containers.logs.refresh')}
          </button>
        </h2>
        {loading && !logs && <p class="muted">{t('containers.logs.loading')}</p>}
        {logsError && (
          <p class="error" role="alert">
            {logsError}
          </p>
        )}
        {logs?.truncated && <p class="muted small">{t('containers.logs.truncated')}</p>}
        {logs && logs.lines.length === 0 && <p class="muted">{t('containers.logs.empty')}</p>}
        {logs && logs.lines.length > 0 && (
          <pre class="logs" data-testid="logs">
            {logs.lines.map((l, i) => (
              <div key={i} class={l.stream}>
                {l.at !== null && <time>{clockWithSeconds(l.at)} </time>}
                {l.text}
              </div>
            ))}
          </pre>
        )}
      </section>
    </main>
  );
}

/** Per engine, grouped by compose project: state, exit code, errors and the fix one tap away. */
export function ContainersScreen({ params }: { params: string[] }) {
  if (params.length >= 2) return <Detail engine={params[0]!} name={params.slice(1).join('/')} />;
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

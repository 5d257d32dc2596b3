// A container's last log lines, read through the guard's `containers.logs` action.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ContainersLogs } from '../../../shared/protocol/containers.js';
import { runAction } from '../actions.js';
import { errorText } from '../error-text.js';
import { lang, t } from '../i18n/index.js';

interface Logs {
  lines: { at: number | null; stream: 'stdout' | 'stderr'; text: string }[];
  truncated: boolean;
}

export interface LogsState {
  logs: Logs | null;
  error: string | null;
  loading: boolean;
  load(): Promise<void>;
}

/** The last 200 lines, read when the engine is reachable and again on `load()`. */
export function useContainerLogs(engine: string, name: string, online: boolean): LogsState {
  const [logs, setLogs] = useState<Logs | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async () => {
    setLoading(true);
    const r = await runAction(ContainersLogs, { target: `${engine}/${name}`, args: { lines: 200 } });
    setLoading(false);
    if (r.status === 'ok') {
      setLogs(r.data);
      setError(null);
    } else if (r.status === 'error') setError(errorText(r.error));
  };
  useEffect(() => {
    if (online) void load();
  }, [engine, name, online]);
  return { logs, error, loading, load };
}

function clockWithSeconds(at: number): string {
  return new Intl.DateTimeFormat(lang.value, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(at);
}

export function ContainerLogs({ state, online }: { state: LogsState; online: boolean }) {
  const { logs, error, loading } = state;
  const box = useRef<HTMLPreElement>(null);
  // Opened at the newest lines, where the reason a container died is; each read goes there again.
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [logs]);
  return (
    <section class="card" aria-labelledby="logs-h">
      <h2 id="logs-h" class="item-title">
        {t('containers.logs')}
        <button type="button" class="link" disabled={!online || loading} onClick={() => void state.load()}>
          {t('containers.logs.refresh')}
        </button>
      </h2>
      {loading && !logs && <p class="muted">{t('containers.logs.loading')}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {logs?.truncated && <p class="muted small">{t('containers.logs.truncated')}</p>}
      {logs && logs.lines.length === 0 && <p class="muted">{t('containers.logs.empty')}</p>}
      {logs && logs.lines.length > 0 && (
        <pre class="logs" data-testid="logs" ref={box}>
          {logs.lines.map((l, i) => (
            <div key={i} class={l.stream}>
              {l.at !== null && <time>{clockWithSeconds(l.at)} </time>}
              {l.text}
            </div>
          ))}
        </pre>
      )}
    </section>
  );
}

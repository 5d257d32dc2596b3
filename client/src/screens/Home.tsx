import { CAPABILITY_UI } from '../capabilities.js';
import { now } from '../clock.js';
import { DATA } from '../components/data.js';
import { connState, entities, entity, path, stateAsOf } from '../connection.js';
import { coreProblems } from '../home/core-problems.js';
import { homeMessages } from '../home/messages.js';
import { ProblemList } from '../home/ProblemList.js';
import { formatAgo, formatDateTime, formatDuration, formatTime, registerMessages, t } from '../i18n/index.js';

registerMessages(homeMessages);

/** The state of the house: what is wrong (each with its fix) or all clear, then the agent's facts and each capability's card. */
export function HomeScreen() {
  const facts = entity('agent', 'self');
  const live = connState.value === 'online';
  const n = now.value;
  const table = entities.value;
  const problems = facts
    ? [...coreProblems(table), ...CAPABILITY_UI.flatMap((c) => c.problems?.(table, n) ?? [])]
    : [];
  // A power cut or a host under pressure comes next: it is what the owner opened the app for.
  const first = CAPABILITY_UI.filter((c) => c.homeCard && c.homeFirst?.());
  const rest = CAPABILITY_UI.filter((c) => c.homeCard && !first.includes(c));
  return (
    <main class="screen">
      <h1 {...(facts ? DATA : {})}>{facts?.name ?? t('home.title')}</h1>
      {facts && <ProblemList problems={problems} />}
      {first.map((c) => c.homeCard && <c.homeCard key={c.id} />)}
      <section class="card" aria-labelledby="agent-h">
        <h2 id="agent-h">{t('home.agent')}</h2>
        {facts ? (
          <dl class="facts">
            <dt>{t('home.version')}</dt>
            <dd data-testid="agent-version" {...DATA}>
              {facts.version}
            </dd>
            <dt>{t('home.host')}</dt>
            <dd {...DATA}>
              {facts.hostname} · {facts.platform}
            </dd>
            <dt>{t('home.agentUp')}</dt>
            <dd data-testid="agent-uptime">
              {formatDuration((live ? n : stateAsOf.value) - facts.startedAt)} ·{' '}
              {t('home.since', { time: formatDateTime(facts.startedAt) })}
            </dd>
            <dt>{t('home.hostBooted')}</dt>
            <dd>
              {formatDateTime(facts.hostBootAt)} · {formatAgo(facts.hostBootAt, n)}
            </dd>
            <dt>{t('home.path')}</dt>
            <dd data-testid="conn-path">
              {live
                ? t(path.value === 'relay' ? 'home.path.relay' : 'home.path.direct')
                : t('home.path.none')}
            </dd>
            <dt>{t('home.dataAge')}</dt>
            <dd data-testid="data-age">
              {live
                ? t('state.live')
                : t('state.asOf', { time: formatTime(stateAsOf.value), ago: formatAgo(stateAsOf.value, n) })}
            </dd>
          </dl>
        ) : (
          <p class="muted">{t('state.none')}</p>
        )}
      </section>
      {rest.map((c) => c.homeCard && <c.homeCard key={c.id} />)}
    </main>
  );
}

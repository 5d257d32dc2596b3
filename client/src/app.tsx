import type { ComponentType } from 'preact';
import { CAPABILITY_UI } from './capabilities.js';
import { ConfirmSheet } from './components/ConfirmSheet.js';
import { ConnectionBar } from './components/ConnectionBar.js';
import { lazyScreen } from './components/LazyScreen.js';
import { UpdateBanner } from './components/UpdateBanner.js';
import { connProblem, connState, forgetHome } from './connection.js';
import { type MessageKey, t, tMaybe } from './i18n/index.js';
import { route } from './router.js';
import { HomeScreen } from './screens/Home.js';

interface ScreenEntry {
  id: string;
  label: MessageKey;
  icon: string;
  component: ComponentType<{ params: string[] }>;
  inNav: boolean;
}

/** Screens in bottom-navigation order: Home, each capability's (capabilities.ts), Activity; Settings off the bar. */
const SCREENS: ScreenEntry[] = [
  { id: 'home', label: 'nav.home', icon: '⌂', component: HomeScreen, inNav: true },
  ...CAPABILITY_UI.flatMap((c) => (c.screen ? [{ id: c.id, ...c.screen, inNav: true }] : [])),
  {
    id: 'activity',
    label: 'nav.activity',
    icon: '☰',
    component: lazyScreen(() => import('./screens/Activity.js').then((m) => m.ActivityScreen)),
    inNav: true,
  },
  {
    id: 'settings',
    label: 'nav.settings',
    icon: '⚙',
    component: lazyScreen(() => import('./screens/Settings.js').then((m) => m.SettingsScreen)),
    inNav: false,
  },
];

const PairScreen = lazyScreen(() => import('./screens/Pair.js').then((m) => m.PairScreen));

function Refused() {
  const p = connProblem.value;
  return (
    <main class="screen narrow">
      <h1>{t('refused.title')}</h1>
      <p>{t('refused.body', { reason: p ? tMaybe(`error.${p.code}`, p.message) : '' })}</p>
      <button type="button" class="btn primary" onClick={() => void forgetHome()}>
        {t('refused.forget')}
      </button>
    </main>
  );
}

export function App() {
  const state = connState.value;
  const r = route.value;
  if (state === 'loading') return <div class="splash" aria-busy="true" />;
  if (r.screen === 'pair' || state === 'unpaired')
    return <PairScreen params={r.screen === 'pair' ? r.params : []} />;
  if (state === 'refused') return <Refused />;
  const entry = SCREENS.find((s) => s.id === r.screen) ?? SCREENS[0]!;
  const Screen = entry.component;
  return (
    <div class="shell">
      <ConnectionBar />
      <UpdateBanner />
      <Screen params={r.params} />
      <nav class="bottom-nav" aria-label="Lifeline">
        {SCREENS.filter((s) => s.inNav).map((s) => (
          <a key={s.id} href={`#/${s.id}`} aria-current={s.id === entry.id ? 'page' : undefined}>
            <span aria-hidden="true" class="nav-icon">
              {s.icon}
            </span>
            <span>{t(s.label)}</span>
          </a>
        ))}
      </nav>
      <ConfirmSheet />
    </div>
  );
}

import { render } from 'preact';
import { App } from './app.js';
import { boot } from './connection.js';
import { ensureLanguage, lang, loadHomeMessages } from './i18n/index.js';
import { loadPushState } from './push.js';
import { registerServiceWorker } from './sw-register.js';
import './styles.css';

document.documentElement.lang = lang.value;
// Render in the user's language from the first frame (Chinese catalogues load on demand).
await ensureLanguage(lang.value);
void loadHomeMessages();
render(<App />, document.getElementById('app')!);
void boot();
void loadPushState();
void registerServiceWorker();

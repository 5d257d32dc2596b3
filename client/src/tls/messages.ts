// The one origin's messages: the agent's certificate on Home, and who served the app in Settings.
import { defineMessages } from '../i18n/define.js';

export const tlsMessages = defineMessages({
  en: {
    'tls.title': 'HTTPS certificate',
    'tls.validUntil': 'Valid until {time} ({days} days left)',
    'tls.renewFrom': 'Renews from {time}',
    'tls.none': 'No certificate yet for {name}',
    'tls.expiresSoon': 'Ends in {days} days and renewal keeps failing',
    'tls.expired': 'Expired {ago}: phones cannot open the app at {name}',
    'tls.lastError': 'Last attempt: {message}',
    'tls.caa.pinned': 'CAA: only this agent may get certificates for the name',
    'tls.caa.open': 'CAA not set: see lifeline check',
    'origin.relay':
      'This app was loaded from the relay, so the relay’s operator is trusted with the app’s code. Open it at your own name to remove that trust.',
    'origin.agent': 'This app was loaded from your home’s agent.',
  },
  'zh-Hans': {
    'tls.title': 'HTTPS 证书',
    'tls.validUntil': '有效期至 {time}（剩 {days} 天）',
    'tls.renewFrom': '自 {time} 起续期',
    'tls.none': '{name} 尚无证书',
    'tls.expiresSoon': '{days} 天后到期，且续期一直失败',
    'tls.expired': '已于{ago}过期：手机无法在 {name} 打开应用',
    'tls.lastError': '上次尝试：{message}',
    'tls.caa.pinned': 'CAA：只有此代理能为该名称申请证书',
    'tls.caa.open': '未设置 CAA：请看 lifeline check',
    'origin.relay':
      '此应用由中继加载，因此中继的运营者被信任掌管应用代码。在您自己的域名打开应用即可免除这种信任。',
    'origin.agent': '此应用由您家中的代理加载。',
  },
  'zh-Hant': {
    'tls.title': 'HTTPS 憑證',
    'tls.validUntil': '有效期至 {time}（剩 {days} 天）',
    'tls.renewFrom': '自 {time} 起續期',
    'tls.none': '{name} 尚無憑證',
    'tls.expiresSoon': '{days} 天後到期，且續期一直失敗',
    'tls.expired': '已於{ago}過期：手機無法在 {name} 開啟應用',
    'tls.lastError': '上次嘗試：{message}',
    'tls.caa.pinned': 'CAA：只有此代理能為該名稱申請憑證',
    'tls.caa.open': '未設定 CAA：請看 lifeline check',
    'origin.relay':
      '此應用由中繼載入，因此中繼的營運者被信任掌管應用程式碼。在您自己的網域開啟應用即可免除這種信任。',
    'origin.agent': '此應用由您家中的代理載入。',
  },
});

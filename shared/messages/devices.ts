// What home says about its paired devices: who added or removed one, the typed confirmations, and
// the warning when someone is guessing pairing codes.
import { defineCatalogue } from './define.js';

export const devicesMessages = defineCatalogue({
  en: {
    'event.devices.paired': 'New device paired',
    'event.devices.revoked': 'Device revoked',
    'event.devices.pairing-flood': 'Someone is guessing pairing codes',
    'devices.paired.byDevice': 'New device paired: {name} (link made by {by})',
    'devices.paired.byTerminal': 'New device paired: {name} (code from `lifeline pair`)',
    'devices.revoked.by': 'Device revoked: {name} (by {by})',
    'devices.revoked.self': 'Device revoked: {name} (by itself)',
    'devices.pairingFlood':
      '{failures} wrong pairing codes in 10 minutes from {sources} addresses; a correct code still works',
    'devices.confirm.revoke': 'Revoke {name}',
    'devices.consequence.signedOutSelf': 'This device is signed out at once and must be paired again',
    'devices.consequence.signedOut': '{name} is signed out at once and must be paired again',
    'devices.consequence.othersTold': 'Every other paired device is notified',
    'devices.confirm.pair': 'Add a device',
    'devices.consequence.fullControl':
      'Whoever opens the link in the next 10 minutes gets full control of this home',
    'devices.consequence.othersToldOnUse': 'Every other paired device is notified when it is used',
  },
  'zh-Hans': {
    'event.devices.paired': '已配对新设备',
    'event.devices.revoked': '设备已撤销',
    'event.devices.pairing-flood': '有人在猜测配对码',
    'devices.paired.byDevice': '已配对新设备：{name}（链接由 {by} 生成）',
    'devices.paired.byTerminal': '已配对新设备：{name}（配对码在家中终端生成）',
    'devices.revoked.by': '设备已撤销：{name}（由 {by} 操作）',
    'devices.revoked.self': '设备已撤销：{name}（由其自身操作）',
    'devices.pairingFlood':
      '10 分钟内有来自 {sources} 个地址的 {failures} 次错误配对码；正确的配对码仍然有效',
    'devices.confirm.revoke': '撤销 {name}',
    'devices.consequence.signedOutSelf': '此设备将立即退出，需要重新配对',
    'devices.consequence.signedOut': '{name} 将立即退出，需要重新配对',
    'devices.consequence.othersTold': '所有其他已配对设备都会收到通知',
    'devices.confirm.pair': '添加设备',
    'devices.consequence.fullControl': '在接下来 10 分钟内打开此链接的人将获得此家庭的完全控制权',
    'devices.consequence.othersToldOnUse': '链接被使用时，所有其他已配对设备都会收到通知',
  },
  'zh-Hant': {
    'event.devices.paired': '已配對新裝置',
    'event.devices.revoked': '裝置已撤銷',
    'event.devices.pairing-flood': '有人在猜測配對碼',
    'devices.paired.byDevice': '已配對新裝置：{name}（連結由 {by} 產生）',
    'devices.paired.byTerminal': '已配對新裝置：{name}（配對碼在家中終端產生）',
    'devices.revoked.by': '裝置已撤銷：{name}（由 {by} 操作）',
    'devices.revoked.self': '裝置已撤銷：{name}（由其自身操作）',
    'devices.pairingFlood':
      '10 分鐘內有來自 {sources} 個位址的 {failures} 次錯誤配對碼；正確的配對碼仍然有效',
    'devices.confirm.revoke': '撤銷 {name}',
    'devices.consequence.signedOutSelf': '此裝置將立即登出，需要重新配對',
    'devices.consequence.signedOut': '{name} 將立即登出，需要重新配對',
    'devices.consequence.othersTold': '所有其他已配對裝置都會收到通知',
    'devices.confirm.pair': '新增裝置',
    'devices.consequence.fullControl': '在接下來 10 分鐘內開啟此連結的人將獲得此家庭的完全控制權',
    'devices.consequence.othersToldOnUse': '連結被使用時，所有其他已配對裝置都會收到通知',
  },
});

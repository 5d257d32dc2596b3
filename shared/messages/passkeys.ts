// What home says about passkeys: enrolment and the fresh check the owner may require.
import { defineCatalogue } from './define.js';

export const passkeysMessages = defineCatalogue({
  en: {
    'event.passkeys.enrolled': 'Passkey added',
    'passkeys.enrolled': 'Passkey added for {device}',
    'passkeys.none':
      'the owner requires a passkey for this, and this device has none: add one in Settings first',
    'passkeys.terminal-refused': 'the owner requires a passkey for this; terminals are not allowed to do it',
    'passkeys.missing': 'this needs a passkey check; none was sent',
    'passkeys.invalid': 'the passkey check failed: {reason}',
    'passkeys.no-name': 'passkeys need the agent reached by a name, not an address: set passkeys.rpId',
    'passkeys.enrol-failed': 'the passkey could not be added: {reason}',
    'passkeys.no-options': 'ask for passkey options first (they are valid for 5 minutes)',
  },
  'zh-Hans': {
    'event.passkeys.enrolled': '已添加通行密钥',
    'passkeys.enrolled': '已为 {device} 添加通行密钥',
    'passkeys.none': '所有者要求此操作使用通行密钥，而此设备没有：请先在设置中添加',
    'passkeys.terminal-refused': '所有者要求此操作使用通行密钥；终端不允许执行',
    'passkeys.missing': '此操作需要通行密钥验证，但未收到',
    'passkeys.invalid': '通行密钥验证失败：{reason}',
    'passkeys.no-name': '通行密钥要求通过名称（而非地址）访问代理：请设置 passkeys.rpId',
    'passkeys.enrol-failed': '无法添加通行密钥：{reason}',
    'passkeys.no-options': '请先获取通行密钥选项（5 分钟内有效）',
  },
  'zh-Hant': {
    'event.passkeys.enrolled': '已新增通行金鑰',
    'passkeys.enrolled': '已為 {device} 新增通行金鑰',
    'passkeys.none': '擁有者要求此操作使用通行金鑰，而此裝置沒有：請先在設定中新增',
    'passkeys.terminal-refused': '擁有者要求此操作使用通行金鑰；終端不允許執行',
    'passkeys.missing': '此操作需要通行金鑰驗證，但未收到',
    'passkeys.invalid': '通行金鑰驗證失敗：{reason}',
    'passkeys.no-name': '通行金鑰要求透過名稱（而非位址）存取代理：請設定 passkeys.rpId',
    'passkeys.enrol-failed': '無法新增通行金鑰：{reason}',
    'passkeys.no-options': '請先取得通行金鑰選項（5 分鐘內有效）',
  },
});

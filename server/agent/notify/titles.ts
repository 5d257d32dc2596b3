// Notification titles by event kind, in the subscriber's language. The body is the event's own
// sentence with its facts; the title is what a locked phone shows first.
type Lang = 'en' | 'zh-Hans' | 'zh-Hant';

const TITLES: Record<string, Record<Lang, string>> = {
  'containers.died': { en: 'Container stopped', 'zh-Hans': '容器已停止', 'zh-Hant': '容器已停止' },
  'containers.restart-loop': {
    en: 'Container keeps restarting',
    'zh-Hans': '容器反复重启',
    'zh-Hant': '容器反覆重啟',
  },
  'containers.boot-race': {
    en: 'Container failed at boot',
    'zh-Hans': '容器启动时失败',
    'zh-Hant': '容器開機時失敗',
  },
  'containers.recovered': { en: 'Container recovered', 'zh-Hans': '容器已恢复', 'zh-Hant': '容器已恢復' },
  'containers.engine-unreachable': {
    en: 'Docker unreachable',
    'zh-Hans': 'Docker 无法连接',
    'zh-Hant': 'Docker 無法連線',
  },
  'containers.engine-back': { en: 'Docker is back', 'zh-Hans': 'Docker 已恢复', 'zh-Hant': 'Docker 已恢復' },
  'machines.wake-failed': { en: 'Wake failed', 'zh-Hans': '唤醒失败', 'zh-Hant': '喚醒失敗' },
  'machines.woke': { en: 'Machine is up', 'zh-Hans': '机器已启动', 'zh-Hant': '機器已啟動' },
  'power.offline': { en: 'Plug offline', 'zh-Hans': '插座离线', 'zh-Hant': '插座離線' },
  'power.changed-externally': {
    en: 'Plug switched outside Lifeline',
    'zh-Hans': '插座被外部切换',
    'zh-Hant': '插座被外部切換',
  },
  'lifeline.cycle-started': {
    en: 'Power-cycle started',
    'zh-Hans': '已开始断电重启',
    'zh-Hant': '已開始斷電重啟',
  },
  'network.ip-changed': { en: 'Public IP changed', 'zh-Hans': '公网 IP 已变更', 'zh-Hant': '公網 IP 已變更' },
  'network.dns-stale': {
    en: 'DNS points to the old address',
    'zh-Hans': 'DNS 仍指向旧地址',
    'zh-Hant': 'DNS 仍指向舊位址',
  },
  'network.ddns-failed': { en: 'DDNS update failed', 'zh-Hans': 'DDNS 更新失败', 'zh-Hant': 'DDNS 更新失敗' },
  'network.ddns-recovered': { en: 'DDNS works again', 'zh-Hans': 'DDNS 已恢复', 'zh-Hant': 'DDNS 已恢復' },
  'agent.started-after-boot': {
    en: 'Home restarted',
    'zh-Hans': '家中设备已重启',
    'zh-Hant': '家中設備已重新啟動',
  },
  'devices.paired': { en: 'New device paired', 'zh-Hans': '已配对新设备', 'zh-Hant': '已配對新裝置' },
  'devices.revoked': { en: 'Device revoked', 'zh-Hans': '设备已撤销', 'zh-Hant': '裝置已撤銷' },
  'notify.test': { en: 'Test notification', 'zh-Hans': '测试通知', 'zh-Hant': '測試通知' },
};

const FALLBACK: Record<Lang, string> = { en: 'Notice', 'zh-Hans': '通知', 'zh-Hant': '通知' };

export function titleFor(kind: string, lang: string): string {
  const l: Lang = lang === 'zh-Hans' || lang === 'zh-Hant' ? lang : 'en';
  return TITLES[kind]?.[l] ?? FALLBACK[l];
}

/** Info events that are still worth a notification (warnings and critical ones always are). */
export const NOTABLE_INFO = new Set([
  'containers.recovered',
  'containers.engine-back',
  'machines.woke',
  'lifeline.cycle-started',
  'network.ip-changed',
  'network.ddns-recovered',
  'devices.paired',
  'devices.revoked',
  'host.pressure-cleared',
  'host.disk-full-cleared',
  'host.container-memory-cleared',
  'ups.power-back',
  'ups.reachable',
  'ups.rule-done',
]);

// The notices the agent seals ahead for the relay (home offline / back / a power-cycle's outcome).
// They are written before the fact, so they say only what was true then; the phone stamps the time.
import { defineCatalogue } from './define.js';

export const sealedNoticeMessages = defineCatalogue({
  en: {
    'sealed.home.offline.title': '{home} is offline',
    'sealed.home.offline.body': 'The relay lost contact with home. Open Lifeline for the last known state.',
    'sealed.home.back.title': '{home} is back',
    'sealed.home.back.body': 'The relay has contact with home again.',
    'sealed.lifeline.cycle-back.title': '{home} is back',
    'sealed.lifeline.cycle-back.body': 'Home came back after the power-cycle of {plug}.',
    'sealed.lifeline.cycle-lost.title': '{home} did not come back',
    'sealed.lifeline.cycle-lost.body':
      'Home did not come back in the expected time after the power-cycle of {plug}.',
    'sealed.lifeline.cycle-kept.title': '{home}: power-cycle done',
    'sealed.lifeline.cycle-kept.body': 'The power-cycle of {plug} finished and home stayed reachable.',
    'sealed.anyPlug': 'the lifeline plug',
  },
  'zh-Hans': {
    'sealed.home.offline.title': '{home} 已离线',
    'sealed.home.offline.body': '中继与家中失去联系。打开 Lifeline 查看最后已知状态。',
    'sealed.home.back.title': '{home} 已恢复',
    'sealed.home.back.body': '中继已重新与家中取得联系。',
    'sealed.lifeline.cycle-back.title': '{home} 已恢复',
    'sealed.lifeline.cycle-back.body': '{plug} 断电重启后家中已恢复。',
    'sealed.lifeline.cycle-lost.title': '{home} 未能恢复',
    'sealed.lifeline.cycle-lost.body': '{plug} 断电重启后家中未在预计时间内恢复。',
    'sealed.lifeline.cycle-kept.title': '{home}：断电重启完成',
    'sealed.lifeline.cycle-kept.body': '{plug} 断电重启已完成，家中一直可以连接。',
    'sealed.anyPlug': '生命线插座',
  },
  'zh-Hant': {
    'sealed.home.offline.title': '{home} 已離線',
    'sealed.home.offline.body': '中繼與家中失去聯繫。打開 Lifeline 查看最後已知狀態。',
    'sealed.home.back.title': '{home} 已恢復',
    'sealed.home.back.body': '中繼已重新與家中取得聯繫。',
    'sealed.lifeline.cycle-back.title': '{home} 已恢復',
    'sealed.lifeline.cycle-back.body': '{plug} 斷電重啟後家中已恢復。',
    'sealed.lifeline.cycle-lost.title': '{home} 未能恢復',
    'sealed.lifeline.cycle-lost.body': '{plug} 斷電重啟後家中未在預計時間內恢復。',
    'sealed.lifeline.cycle-kept.title': '{home}：斷電重啟完成',
    'sealed.lifeline.cycle-kept.body': '{plug} 斷電重啟已完成，家中一直可以連線。',
    'sealed.anyPlug': '生命線插座',
  },
});

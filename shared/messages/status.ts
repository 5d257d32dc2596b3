// What the agent says about how its last run ended: after no clean stop, home lost power or
// crashed (the host rebooted) or Lifeline alone stopped uncleanly, and which containers came back
// unwell; after a clean stop across a host restart, that it was clean.
import { defineCatalogue } from './define.js';

export const statusMessages = defineCatalogue({
  en: {
    'event.agent.power-lost': 'Home lost power or crashed',
    'event.agent.crashed': 'Lifeline stopped uncleanly',
    'agent.powerLost':
      'Home lost power or crashed around {lastSeenAt:time} (last sign of life), back after {downMs:duration}',
    'agent.powerLostBadly':
      'Home lost power or crashed around {lastSeenAt:time} (last sign of life), back after {downMs:duration}; came back unhealthy or restarting: {containers}',
    'agent.crashed':
      'Lifeline stopped without a clean stop around {lastSeenAt:time} (last sign of life; the host kept running), back after {downMs:duration}',
    'agent.crashedBadly':
      'Lifeline stopped without a clean stop around {lastSeenAt:time} (last sign of life; the host kept running), back after {downMs:duration}; came back unhealthy or restarting: {containers}',
    'agent.startedAfterCleanBoot': 'The agent started after the host restarted; it had been stopped cleanly',
  },
  'zh-Hans': {
    'event.agent.power-lost': '家中断电或死机',
    'event.agent.crashed': 'Lifeline 异常停止',
    'agent.powerLost': '家中约在 {lastSeenAt:time}（最后一次存活迹象）断电或死机，{downMs:duration} 后恢复',
    'agent.powerLostBadly':
      '家中约在 {lastSeenAt:time}（最后一次存活迹象）断电或死机，{downMs:duration} 后恢复；恢复后不健康或反复重启：{containers}',
    'agent.crashed':
      'Lifeline 约在 {lastSeenAt:time}（最后一次存活迹象；主机一直在运行）未正常停止，{downMs:duration} 后恢复',
    'agent.crashedBadly':
      'Lifeline 约在 {lastSeenAt:time}（最后一次存活迹象；主机一直在运行）未正常停止，{downMs:duration} 后恢复；恢复后不健康或反复重启：{containers}',
    'agent.startedAfterCleanBoot': '主机重启后代理已启动；此前它已正常停止',
  },
  'zh-Hant': {
    'event.agent.power-lost': '家中斷電或當機',
    'event.agent.crashed': 'Lifeline 異常停止',
    'agent.powerLost': '家中約在 {lastSeenAt:time}（最後一次存活跡象）斷電或當機，{downMs:duration} 後恢復',
    'agent.powerLostBadly':
      '家中約在 {lastSeenAt:time}（最後一次存活跡象）斷電或當機，{downMs:duration} 後恢復；恢復後不健康或反覆重新啟動：{containers}',
    'agent.crashed':
      'Lifeline 約在 {lastSeenAt:time}（最後一次存活跡象；主機一直在執行）未正常停止，{downMs:duration} 後恢復',
    'agent.crashedBadly':
      'Lifeline 約在 {lastSeenAt:time}（最後一次存活跡象；主機一直在執行）未正常停止，{downMs:duration} 後恢復；恢復後不健康或反覆重新啟動：{containers}',
    'agent.startedAfterCleanBoot': '主機重新啟動後代理已啟動；此前它已正常停止',
  },
});

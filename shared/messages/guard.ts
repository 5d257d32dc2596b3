// What the guard and the agent's session say when they refuse or stop a command.
import { defineCatalogue } from './define.js';

export const guardSays = defineCatalogue({
  en: {
    'guard.unknown-action': 'this agent does not know the action {action}',
    'guard.target-needed': 'this action needs a target',
    'guard.target-unwanted': 'this action takes no target',
    'guard.bad-args': 'the request is not valid: {detail}',
    'guard.classify-failed': 'the agent could not decide on this request',
    'guard.revoked': 'this device is no longer authorised',
    'guard.challenge-invalid':
      'this confirmation is no longer valid (already used, for another command, or home restarted since); ask again',
    'guard.challenge-expired': 'the confirmation expired ({seconds} s); ask again',
    'guard.cancel-unknown':
      'nothing to cancel: this confirmation is unknown, already answered, or not this device’s',
    'guard.cancel-expired': 'nothing to cancel: this confirmation had already expired',
    'guard.confirm-text-mismatch': 'type “{expected}” to confirm',
    'guard.interrupted': 'the agent stopped before this finished',
    'guard.internal': 'something went wrong inside the agent',
    'guard.not-set-up': '{capability} is not set up: add a {capability}: section to lifeline.yaml',
  },
  'zh-Hans': {
    'guard.unknown-action': '此代理不认识操作 {action}',
    'guard.target-needed': '此操作需要指定对象',
    'guard.target-unwanted': '此操作不接受对象',
    'guard.bad-args': '请求无效：{detail}',
    'guard.classify-failed': '代理无法判断此请求',
    'guard.revoked': '此设备已不再获得授权',
    'guard.challenge-invalid': '此确认已无效（已被使用、属于另一条命令，或家中代理已重启）；请重新操作',
    'guard.challenge-expired': '确认已过期（{seconds} 秒）；请重新操作',
    'guard.cancel-unknown': '无可取消：此确认未知、已答复，或不属于此设备',
    'guard.cancel-expired': '无可取消：此确认已过期',
    'guard.confirm-text-mismatch': '请输入“{expected}”以确认',
    'guard.interrupted': '代理在此操作完成前停止了',
    'guard.internal': '代理内部出错',
    'guard.not-set-up': '{capability} 尚未配置：请在 lifeline.yaml 中添加 {capability}: 部分',
  },
  'zh-Hant': {
    'guard.unknown-action': '此代理不認識操作 {action}',
    'guard.target-needed': '此操作需要指定對象',
    'guard.target-unwanted': '此操作不接受對象',
    'guard.bad-args': '請求無效：{detail}',
    'guard.classify-failed': '代理無法判斷此請求',
    'guard.revoked': '此裝置已不再獲得授權',
    'guard.challenge-invalid':
      '此確認已無效（已被使用、屬於另一條指令，或家中代理程式已重新啟動）；請重新操作',
    'guard.challenge-expired': '確認已過期（{seconds} 秒）；請重新操作',
    'guard.cancel-unknown': '無可取消：此確認未知、已答覆，或不屬於此裝置',
    'guard.cancel-expired': '無可取消：此確認已過期',
    'guard.confirm-text-mismatch': '請輸入「{expected}」以確認',
    'guard.interrupted': '代理在此操作完成前停止了',
    'guard.internal': '代理內部出錯',
    'guard.not-set-up': '{capability} 尚未設定：請在 lifeline.yaml 中新增 {capability}: 區段',
  },
});

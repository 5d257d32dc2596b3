// What the containers capability says about a container eating the host: the guarded "limit
// memory" fix (docker update) — its confirmation, refusals and the read-back of the new limit.
import { defineCatalogue } from './define.js';

export const containerUsageMessages = defineCatalogue({
  en: {
    'action.containers.limit-memory': 'Limit the memory of {target}',
    'containers.memoryLimit.set': '{name} is now limited to {limitBytes:bytes} of memory',
    'containers.memoryLimit.progress': 'Limiting {name}',
    'containers.memoryLimit.tooSmall': 'a memory limit must be at least {minBytes:bytes}',
    'containers.memoryLimit.notRunning': '{name} is not running',
    'containers.memoryLimit.belowUsage':
      '{name} uses {usageBytes:bytes} now: a limit of {limitBytes:bytes} would have it killed at once; choose at least {usageBytes:bytes} (suggested: {suggestedBytes:bytes})',
    'containers.memoryLimit.refused': 'Docker refused the limit for {name}: {reason}',
    'containers.memoryLimit.engineDiffers':
      'the engine accepted the limit for {name} but reports {actualBytes:bytes}',
    'containers.memoryLimit.kernelDiffers':
      'the engine recorded the limit for {name}, but the kernel enforces {actualBytes:bytes}',
    'containers.memoryLimit.kernelNone':
      'the engine recorded the limit for {name}, but the kernel enforces none',
    'containers.memoryLimit.unreachable': 'Docker engine {engine}: {reason}',
    'containers.memoryLimit.confirm': 'Limit {name} to {limitBytes:bytes} of memory',
    'containers.memoryLimit.consequence':
      'Above {limitBytes:bytes} the kernel first reclaims its cache, then stops it with an out-of-memory kill; it uses {usageBytes:bytes} now',
    'containers.memoryLimit.consequenceUnknown':
      'Above {limitBytes:bytes} the kernel first reclaims its cache, then stops it with an out-of-memory kill',
    'containers.memoryLimit.lifeline':
      '{name} is a lifeline: a limit could get it killed and cut the way back in. Restart it instead.',
  },
  'zh-Hans': {
    'action.containers.limit-memory': '限制 {target} 的内存',
    'containers.memoryLimit.set': '{name} 的内存上限已设为 {limitBytes:bytes}',
    'containers.memoryLimit.progress': '正在限制 {name}',
    'containers.memoryLimit.tooSmall': '内存上限至少为 {minBytes:bytes}',
    'containers.memoryLimit.notRunning': '{name} 未在运行',
    'containers.memoryLimit.belowUsage':
      '{name} 当前占用 {usageBytes:bytes}：上限设为 {limitBytes:bytes} 会使它立即被终止；请至少设为 {usageBytes:bytes}（建议：{suggestedBytes:bytes}）',
    'containers.memoryLimit.refused': 'Docker 拒绝了 {name} 的内存上限：{reason}',
    'containers.memoryLimit.engineDiffers': 'Docker 接受了 {name} 的上限，但报告的是 {actualBytes:bytes}',
    'containers.memoryLimit.kernelDiffers': 'Docker 已记录 {name} 的上限，但内核执行的是 {actualBytes:bytes}',
    'containers.memoryLimit.kernelNone': 'Docker 已记录 {name} 的上限，但内核并未执行任何上限',
    'containers.memoryLimit.unreachable': 'Docker 引擎 {engine}：{reason}',
    'containers.memoryLimit.confirm': '将 {name} 的内存限制为 {limitBytes:bytes}',
    'containers.memoryLimit.consequence':
      '超过 {limitBytes:bytes} 时，内核会先回收其缓存，再以内存不足为由终止它；它当前占用 {usageBytes:bytes}',
    'containers.memoryLimit.consequenceUnknown':
      '超过 {limitBytes:bytes} 时，内核会先回收其缓存，再以内存不足为由终止它',
    'containers.memoryLimit.lifeline':
      '{name} 是生命线：设置上限可能使它被终止，切断回家的路。请改为重启它。',
  },
  'zh-Hant': {
    'action.containers.limit-memory': '限制 {target} 的記憶體',
    'containers.memoryLimit.set': '{name} 的記憶體上限已設為 {limitBytes:bytes}',
    'containers.memoryLimit.progress': '正在限制 {name}',
    'containers.memoryLimit.tooSmall': '記憶體上限至少為 {minBytes:bytes}',
    'containers.memoryLimit.notRunning': '{name} 未在執行',
    'containers.memoryLimit.belowUsage':
      '{name} 目前佔用 {usageBytes:bytes}：上限設為 {limitBytes:bytes} 會使它立即被終止；請至少設為 {usageBytes:bytes}（建議：{suggestedBytes:bytes}）',
    'containers.memoryLimit.refused': 'Docker 拒絕了 {name} 的記憶體上限：{reason}',
    'containers.memoryLimit.engineDiffers': 'Docker 接受了 {name} 的上限，但回報的是 {actualBytes:bytes}',
    'containers.memoryLimit.kernelDiffers': 'Docker 已記錄 {name} 的上限，但核心執行的是 {actualBytes:bytes}',
    'containers.memoryLimit.kernelNone': 'Docker 已記錄 {name} 的上限，但核心並未執行任何上限',
    'containers.memoryLimit.unreachable': 'Docker 引擎 {engine}：{reason}',
    'containers.memoryLimit.confirm': '將 {name} 的記憶體限制為 {limitBytes:bytes}',
    'containers.memoryLimit.consequence':
      '超過 {limitBytes:bytes} 時，核心會先回收其快取，再以記憶體不足為由終止它；它目前佔用 {usageBytes:bytes}',
    'containers.memoryLimit.consequenceUnknown':
      '超過 {limitBytes:bytes} 時，核心會先回收其快取，再以記憶體不足為由終止它',
    'containers.memoryLimit.lifeline':
      '{name} 是生命線：設定上限可能使它被終止，切斷回家的路。請改為重新啟動它。',
  },
});

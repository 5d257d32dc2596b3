// What the host capability says: its event titles, each rule's alert and clear, and the consumers an
// alert names. An event's message composes the alert with up to four consumers
// (host.withConsumers.N): each consumer is its own message, its parameters numbered by its place
// (host.consumer2.memory uses name2, memoryBytes2), since one message's parameters are one flat set.
import { defineCatalogue } from './define.js';

export const hostMessages = defineCatalogue({
  en: {
    'event.host.pressure': 'Host under pressure',
    'event.host.pressure-cleared': 'Host back to normal',
    'event.host.disk-full': 'Disk nearly full',
    'event.host.disk-full-cleared': 'Disk space is back',
    'event.host.container-memory': 'Container near its memory limit',
    'event.host.container-memory-cleared': 'Container memory back to normal',
    'host.memoryPressure.alert': 'memory pressure high for {forMs:duration}',
    'host.memoryPressure.clear': 'memory pressure back to normal after {lastedMs:duration}',
    'host.memoryAvailable.alert':
      'memory nearly full for {forMs:duration}: {availableBytes:bytes} of {totalBytes:bytes} left',
    'host.memoryAvailable.clear': 'memory available again: {availableBytes:bytes} of {totalBytes:bytes}',
    'host.swapUsed.alert': 'swap {percent:percent} full for {forMs:duration}',
    'host.swapUsed.clear': 'swap use back to {percent:percent}',
    'host.diskUsed.alert':
      'disk {mount} {percent:percent} full: {availableBytes:bytes} left of {sizeBytes:bytes}',
    'host.diskUsed.alertGrowing':
      'disk {mount} {percent:percent} full: {availableBytes:bytes} left of {sizeBytes:bytes}, filled {growthBytes:bytes} in {windowMs:duration}',
    'host.diskUsed.clear': 'disk {mount} back to {percent:percent} full',
    'host.diskUsed.gone': 'disk {mount} is no longer mounted; its alert is cleared',
    'host.cpuPressure.alert': 'CPU pressure high for {forMs:duration}',
    'host.cpuPressure.clear': 'CPU pressure back to normal after {lastedMs:duration}',
    'host.ioPressure.alert': 'disk I/O stalls high for {forMs:duration}',
    'host.ioPressure.clear': 'disk I/O stalls back to normal after {lastedMs:duration}',
    'host.containerMemory.alert':
      '{name} near its memory limit for {forMs:duration}: {memoryBytes:bytes} of {limitBytes:bytes}',
    'host.containerMemory.alertGrowing':
      '{name} near its memory limit for {forMs:duration}: {memoryBytes:bytes} of {limitBytes:bytes}, grew {growthBytes:bytes} in {windowMs:duration}',
    'host.containerMemory.clear': '{name} back to {memoryBytes:bytes} of its {limitBytes:bytes} memory limit',
    'host.containerMemory.gone': '{name} no longer runs; its memory alert is cleared',
    'host.consumer.memory': '{name} uses {memoryBytes:bytes}',
    'host.consumer.memoryGrowth':
      '{name} uses {memoryBytes:bytes} and grew {growthBytes:bytes} in {windowMs:duration}',
    'host.consumer.cpu': '{name} uses {cpuPercent:percent} CPU',
    'host.consumer.io': '{name} reads {readBytesPerSec:rate} and writes {writeBytesPerSec:rate}',
    'host.withConsumers.1': '{main:msg}: {c1:msg}',
    'host.withConsumers.2': '{main:msg}: {c1:msg}; {c2:msg}',
    'host.withConsumers.3': '{main:msg}: {c1:msg}; {c2:msg}; {c3:msg}',
    'host.withConsumers.4': '{main:msg}: {c1:msg}; {c2:msg}; {c3:msg}; {c4:msg}',
    'host.consumer1.memory': '{name1} uses {memoryBytes1:bytes}',
    'host.consumer2.memory': '{name2} uses {memoryBytes2:bytes}',
    'host.consumer3.memory': '{name3} uses {memoryBytes3:bytes}',
    'host.consumer4.memory': '{name4} uses {memoryBytes4:bytes}',
    'host.consumer1.memoryGrowth':
      '{name1} uses {memoryBytes1:bytes} and grew {growthBytes1:bytes} in {windowMs1:duration}',
    'host.consumer2.memoryGrowth':
      '{name2} uses {memoryBytes2:bytes} and grew {growthBytes2:bytes} in {windowMs2:duration}',
    'host.consumer3.memoryGrowth':
      '{name3} uses {memoryBytes3:bytes} and grew {growthBytes3:bytes} in {windowMs3:duration}',
    'host.consumer4.memoryGrowth':
      '{name4} uses {memoryBytes4:bytes} and grew {growthBytes4:bytes} in {windowMs4:duration}',
    'host.consumer1.cpu': '{name1} uses {cpuPercent1:percent} CPU',
    'host.consumer2.cpu': '{name2} uses {cpuPercent2:percent} CPU',
    'host.consumer3.cpu': '{name3} uses {cpuPercent3:percent} CPU',
    'host.consumer4.cpu': '{name4} uses {cpuPercent4:percent} CPU',
    'host.consumer1.io': '{name1} reads {readBytesPerSec1:rate} and writes {writeBytesPerSec1:rate}',
    'host.consumer2.io': '{name2} reads {readBytesPerSec2:rate} and writes {writeBytesPerSec2:rate}',
    'host.consumer3.io': '{name3} reads {readBytesPerSec3:rate} and writes {writeBytesPerSec3:rate}',
    'host.consumer4.io': '{name4} reads {readBytesPerSec4:rate} and writes {writeBytesPerSec4:rate}',
  },
  'zh-Hans': {
    'event.host.pressure': '主机资源紧张',
    'event.host.pressure-cleared': '主机已恢复正常',
    'event.host.disk-full': '磁盘快满了',
    'event.host.disk-full-cleared': '磁盘空间已恢复',
    'event.host.container-memory': '容器接近内存上限',
    'event.host.container-memory-cleared': '容器内存已恢复正常',
    'host.memoryPressure.alert': '内存压力持续偏高 {forMs:duration}',
    'host.memoryPressure.clear': '内存压力已恢复正常，持续了 {lastedMs:duration}',
    'host.memoryAvailable.alert':
      '内存将满已持续 {forMs:duration}：{totalBytes:bytes} 中仅剩 {availableBytes:bytes}',
    'host.memoryAvailable.clear': '内存已充足：{totalBytes:bytes} 中可用 {availableBytes:bytes}',
    'host.swapUsed.alert': '交换空间已用 {percent:percent}，持续 {forMs:duration}',
    'host.swapUsed.clear': '交换空间使用率已降至 {percent:percent}',
    'host.diskUsed.alert':
      '磁盘 {mount} 已用 {percent:percent}：{sizeBytes:bytes} 中剩余 {availableBytes:bytes}',
    'host.diskUsed.alertGrowing':
      '磁盘 {mount} 已用 {percent:percent}：{sizeBytes:bytes} 中剩余 {availableBytes:bytes}，{windowMs:duration} 内增加了 {growthBytes:bytes}',
    'host.diskUsed.clear': '磁盘 {mount} 使用率已降至 {percent:percent}',
    'host.diskUsed.gone': '磁盘 {mount} 已卸载，其告警已解除',
    'host.cpuPressure.alert': 'CPU 压力持续偏高 {forMs:duration}',
    'host.cpuPressure.clear': 'CPU 压力已恢复正常，持续了 {lastedMs:duration}',
    'host.ioPressure.alert': '磁盘 I/O 阻塞持续偏高 {forMs:duration}',
    'host.ioPressure.clear': '磁盘 I/O 阻塞已恢复正常，持续了 {lastedMs:duration}',
    'host.containerMemory.alert':
      '{name} 接近内存上限已 {forMs:duration}：{limitBytes:bytes} 中已用 {memoryBytes:bytes}',
    'host.containerMemory.alertGrowing':
      '{name} 接近内存上限已 {forMs:duration}：{limitBytes:bytes} 中已用 {memoryBytes:bytes}，{windowMs:duration} 内增长 {growthBytes:bytes}',
    'host.containerMemory.clear': '{name} 已回落到 {memoryBytes:bytes}（内存上限 {limitBytes:bytes}）',
    'host.containerMemory.gone': '{name} 已不再运行，其内存告警已解除',
    'host.consumer.memory': '{name} 占用 {memoryBytes:bytes}',
    'host.consumer.memoryGrowth':
      '{name} 占用 {memoryBytes:bytes}，{windowMs:duration} 内增长 {growthBytes:bytes}',
    'host.consumer.cpu': '{name} 占用 {cpuPercent:percent} CPU',
    'host.consumer.io': '{name} 读取 {readBytesPerSec:rate}，写入 {writeBytesPerSec:rate}',
    'host.withConsumers.1': '{main:msg}：{c1:msg}',
    'host.withConsumers.2': '{main:msg}：{c1:msg}；{c2:msg}',
    'host.withConsumers.3': '{main:msg}：{c1:msg}；{c2:msg}；{c3:msg}',
    'host.withConsumers.4': '{main:msg}：{c1:msg}；{c2:msg}；{c3:msg}；{c4:msg}',
    'host.consumer1.memory': '{name1} 占用 {memoryBytes1:bytes}',
    'host.consumer2.memory': '{name2} 占用 {memoryBytes2:bytes}',
    'host.consumer3.memory': '{name3} 占用 {memoryBytes3:bytes}',
    'host.consumer4.memory': '{name4} 占用 {memoryBytes4:bytes}',
    'host.consumer1.memoryGrowth':
      '{name1} 占用 {memoryBytes1:bytes}，{windowMs1:duration} 内增长 {growthBytes1:bytes}',
    'host.consumer2.memoryGrowth':
      '{name2} 占用 {memoryBytes2:bytes}，{windowMs2:duration} 内增长 {growthBytes2:bytes}',
    'host.consumer3.memoryGrowth':
      '{name3} 占用 {memoryBytes3:bytes}，{windowMs3:duration} 内增长 {growthBytes3:bytes}',
    'host.consumer4.memoryGrowth':
      '{name4} 占用 {memoryBytes4:bytes}，{windowMs4:duration} 内增长 {growthBytes4:bytes}',
    'host.consumer1.cpu': '{name1} 占用 {cpuPercent1:percent} CPU',
    'host.consumer2.cpu': '{name2} 占用 {cpuPercent2:percent} CPU',
    'host.consumer3.cpu': '{name3} 占用 {cpuPercent3:percent} CPU',
    'host.consumer4.cpu': '{name4} 占用 {cpuPercent4:percent} CPU',
    'host.consumer1.io': '{name1} 读取 {readBytesPerSec1:rate}，写入 {writeBytesPerSec1:rate}',
    'host.consumer2.io': '{name2} 读取 {readBytesPerSec2:rate}，写入 {writeBytesPerSec2:rate}',
    'host.consumer3.io': '{name3} 读取 {readBytesPerSec3:rate}，写入 {writeBytesPerSec3:rate}',
    'host.consumer4.io': '{name4} 读取 {readBytesPerSec4:rate}，写入 {writeBytesPerSec4:rate}',
  },
  'zh-Hant': {
    'event.host.pressure': '主機資源緊張',
    'event.host.pressure-cleared': '主機已恢復正常',
    'event.host.disk-full': '磁碟快滿了',
    'event.host.disk-full-cleared': '磁碟空間已恢復',
    'event.host.container-memory': '容器接近記憶體上限',
    'event.host.container-memory-cleared': '容器記憶體已恢復正常',
    'host.memoryPressure.alert': '記憶體壓力持續偏高 {forMs:duration}',
    'host.memoryPressure.clear': '記憶體壓力已恢復正常，持續了 {lastedMs:duration}',
    'host.memoryAvailable.alert':
      '記憶體將滿已持續 {forMs:duration}：{totalBytes:bytes} 中僅剩 {availableBytes:bytes}',
    'host.memoryAvailable.clear': '記憶體已充足：{totalBytes:bytes} 中可用 {availableBytes:bytes}',
    'host.swapUsed.alert': '置換空間已用 {percent:percent}，持續 {forMs:duration}',
    'host.swapUsed.clear': '置換空間使用率已降至 {percent:percent}',
    'host.diskUsed.alert':
      '磁碟 {mount} 已用 {percent:percent}：{sizeBytes:bytes} 中剩餘 {availableBytes:bytes}',
    'host.diskUsed.alertGrowing':
      '磁碟 {mount} 已用 {percent:percent}：{sizeBytes:bytes} 中剩餘 {availableBytes:bytes}，{windowMs:duration} 內增加了 {growthBytes:bytes}',
    'host.diskUsed.clear': '磁碟 {mount} 使用率已降至 {percent:percent}',
    'host.diskUsed.gone': '磁碟 {mount} 已卸載，其警示已解除',
    'host.cpuPressure.alert': 'CPU 壓力持續偏高 {forMs:duration}',
    'host.cpuPressure.clear': 'CPU 壓力已恢復正常，持續了 {lastedMs:duration}',
    'host.ioPressure.alert': '磁碟 I/O 阻塞持續偏高 {forMs:duration}',
    'host.ioPressure.clear': '磁碟 I/O 阻塞已恢復正常，持續了 {lastedMs:duration}',
    'host.containerMemory.alert':
      '{name} 接近記憶體上限已 {forMs:duration}：{limitBytes:bytes} 中已用 {memoryBytes:bytes}',
    'host.containerMemory.alertGrowing':
      '{name} 接近記憶體上限已 {forMs:duration}：{limitBytes:bytes} 中已用 {memoryBytes:bytes}，{windowMs:duration} 內增長 {growthBytes:bytes}',
    'host.containerMemory.clear': '{name} 已回落到 {memoryBytes:bytes}（記憶體上限 {limitBytes:bytes}）',
    'host.containerMemory.gone': '{name} 已不再執行，其記憶體警示已解除',
    'host.consumer.memory': '{name} 佔用 {memoryBytes:bytes}',
    'host.consumer.memoryGrowth':
      '{name} 佔用 {memoryBytes:bytes}，{windowMs:duration} 內增長 {growthBytes:bytes}',
    'host.consumer.cpu': '{name} 佔用 {cpuPercent:percent} CPU',
    'host.consumer.io': '{name} 讀取 {readBytesPerSec:rate}，寫入 {writeBytesPerSec:rate}',
    'host.withConsumers.1': '{main:msg}：{c1:msg}',
    'host.withConsumers.2': '{main:msg}：{c1:msg}；{c2:msg}',
    'host.withConsumers.3': '{main:msg}：{c1:msg}；{c2:msg}；{c3:msg}',
    'host.withConsumers.4': '{main:msg}：{c1:msg}；{c2:msg}；{c3:msg}；{c4:msg}',
    'host.consumer1.memory': '{name1} 佔用 {memoryBytes1:bytes}',
    'host.consumer2.memory': '{name2} 佔用 {memoryBytes2:bytes}',
    'host.consumer3.memory': '{name3} 佔用 {memoryBytes3:bytes}',
    'host.consumer4.memory': '{name4} 佔用 {memoryBytes4:bytes}',
    'host.consumer1.memoryGrowth':
      '{name1} 佔用 {memoryBytes1:bytes}，{windowMs1:duration} 內增長 {growthBytes1:bytes}',
    'host.consumer2.memoryGrowth':
      '{name2} 佔用 {memoryBytes2:bytes}，{windowMs2:duration} 內增長 {growthBytes2:bytes}',
    'host.consumer3.memoryGrowth':
      '{name3} 佔用 {memoryBytes3:bytes}，{windowMs3:duration} 內增長 {growthBytes3:bytes}',
    'host.consumer4.memoryGrowth':
      '{name4} 佔用 {memoryBytes4:bytes}，{windowMs4:duration} 內增長 {growthBytes4:bytes}',
    'host.consumer1.cpu': '{name1} 佔用 {cpuPercent1:percent} CPU',
    'host.consumer2.cpu': '{name2} 佔用 {cpuPercent2:percent} CPU',
    'host.consumer3.cpu': '{name3} 佔用 {cpuPercent3:percent} CPU',
    'host.consumer4.cpu': '{name4} 佔用 {cpuPercent4:percent} CPU',
    'host.consumer1.io': '{name1} 讀取 {readBytesPerSec1:rate}，寫入 {writeBytesPerSec1:rate}',
    'host.consumer2.io': '{name2} 讀取 {readBytesPerSec2:rate}，寫入 {writeBytesPerSec2:rate}',
    'host.consumer3.io': '{name3} 讀取 {readBytesPerSec3:rate}，寫入 {writeBytesPerSec3:rate}',
    'host.consumer4.io': '{name4} 讀取 {readBytesPerSec4:rate}，寫入 {writeBytesPerSec4:rate}',
  },
});

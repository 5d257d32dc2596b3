// What the machines capability says (Wake-on-LAN): its events, refusals, progress, and the
// warnings and likely causes by their stable code (`machines.notice.<code>`, shown on the screen too).
import { defineCatalogue } from './define.js';

export const machinesSays = defineCatalogue({
  en: {
    'event.machines.woke': 'Machine woke',
    'event.machines.wake-failed': 'Wake failed',
    'event.machines.mac-mismatch': 'Another MAC at this address',
    'machines.woke': '{name} woke: it answered {seconds:seconds} after Wake-on-LAN',
    'machines.wake-failed': '{name} did not answer within {seconds:seconds} after Wake-on-LAN',
    'machines.wake-failed.likely':
      '{name} did not answer within {seconds:seconds} after Wake-on-LAN — likely: {likely:msg}',
    'machines.mac-mismatch': '{name}: {address} answers with MAC {seenMac}, not the configured {mac}',
    'machines.not-found': 'no machine {id}',
    'machines.refuse.no-seen-mac': 'no MAC has been seen at the address of {name} yet',
    'machines.timeout': '{name} did not answer within {seconds:seconds}',
    'machines.no-target':
      'nowhere to send the magic packet: the agent has no IPv4 network with a broadcast address; set broadcast: for this machine',
    'machines.no-socket': 'could not open a UDP socket: {code}',
    'machines.send-failed-all': 'the magic packet could not be sent: {detail}',
    'machines.stopping': 'the agent is stopping',
    'machines.progress.sent': 'Magic packet for {name} sent to {targets}',
    'machines.progress.waiting': 'Waiting for {name}… {seconds:seconds}',
    'machines.progress.up': '{name} answered after {seconds:seconds}',
    'machines.progress.up.how': '{name} answered after {seconds:seconds} ({how:msg})',
    'machines.answer.open': 'port {port} open',
    'machines.answer.closed': 'port {port} closed, host answered',
    'machines.answer.echo': 'echo reply',
    'machines.progress.no-answer': '{name} did not answer within {seconds:seconds}',
    'machines.progress.unverified': '{name}: magic packet sent; the wake cannot be verified: {cause:msg}',
    'machines.notice.probe-failed': 'The probe could not run: {detail}',
    'machines.notice.neighbours-unavailable': 'The neighbour table cannot be read: {detail}',
    'machines.notice.icmp-failed': 'The ping command could not run: {detail}',
    'action.machines.wake': 'Wake {target}',
    'action.machines.probe': 'Check whether {target} is up',
    'machines.notice.virtual-nic':
      '{mac} belongs to a {vendor} virtual network card. A sleeping machine is woken through its physical card’s MAC.',
    'machines.notice.locally-administered':
      '{mac} is locally administered (set by software: a VM, container, bridge or randomised Wi-Fi address), not a card’s own MAC.',
    'machines.notice.neighbour-mismatch':
      '{address} was seen with MAC {seenMac}, not {mac}. If that is this machine, use {seenMac}.',
    'machines.notice.answered-by-other-mac':
      '{address} answered with MAC {seenMac}, not {mac}: another machine may hold this address.',
    'machines.notice.no-broadcast-route':
      'The agent’s networks ({networks}) do not reach this machine. Broadcasts do not cross routers; in Docker, run the agent with host networking.',
    'machines.notice.send-failed': 'Sending to {address} failed ({error}).',
    'machines.notice.probe-blocked':
      'The machine may be up but drop connections to port {port} (a firewall). Try another port, or ping.',
    'machines.notice.ping-blocked':
      'The machine may be up but ignore ping (Windows blocks it by default). Try a TCP port instead.',
    'machines.notice.secureon-mismatch':
      'The SecureOn password must match the one set on the network card; most cards do not support it.',
    'machines.notice.wol-settings':
      'Wake-on-LAN must be on in the BIOS/UEFI and on the card (Linux: ethtool -s <interface> wol g; Windows: “Wake on Magic Packet”), fast startup off, and the machine asleep or soft-off with mains power.',
    'machines.notice.no-address':
      'No address configured: wakes cannot be verified and the MAC cannot be cross-checked.',
    'machines.notice.unresolved': '{address} does not resolve; use an IP address.',
    'machines.notice.icmp-unavailable': 'The ping probe needs the ping command on the agent’s machine.',
    'machines.notice.icmp-not-permitted':
      'The agent may not send ping (ICMP). Give it CAP_NET_RAW, or probe a TCP port instead.',
  },
  'zh-Hans': {
    'event.machines.woke': '机器已唤醒',
    'event.machines.wake-failed': '唤醒失败',
    'event.machines.mac-mismatch': '此地址出现了其他 MAC',
    'machines.woke': '{name} 已唤醒：Wake-on-LAN 后 {seconds:seconds}有了响应',
    'machines.wake-failed': '{name} 在 Wake-on-LAN 后 {seconds:seconds}内没有响应',
    'machines.wake-failed.likely':
      '{name} 在 Wake-on-LAN 后 {seconds:seconds}内没有响应。可能的原因：{likely:msg}',
    'machines.mac-mismatch': '{name}：{address} 以 MAC {seenMac} 响应，而不是配置的 {mac}',
    'machines.not-found': '没有机器 {id}',
    'machines.refuse.no-seen-mac': '还没有在 {name} 的地址上看到过 MAC',
    'machines.timeout': '{name} 在 {seconds:seconds}内没有响应',
    'machines.no-target': '无处发送唤醒包：代理没有带广播地址的 IPv4 网络；请为此机器设置 broadcast:',
    'machines.no-socket': '无法打开 UDP 套接字：{code}',
    'machines.send-failed-all': '唤醒包无法发送：{detail}',
    'machines.stopping': '代理正在停止',
    'machines.progress.sent': '已向 {targets} 发送 {name} 的唤醒包',
    'machines.progress.waiting': '正在等待 {name}…… {seconds:seconds}',
    'machines.progress.up': '{name} 在 {seconds:seconds}后响应',
    'machines.progress.up.how': '{name} 在 {seconds:seconds}后响应（{how:msg}）',
    'machines.answer.open': '端口 {port} 开放',
    'machines.answer.closed': '端口 {port} 关闭，但主机有应答',
    'machines.answer.echo': 'ping 有回应',
    'machines.progress.no-answer': '{name} 在 {seconds:seconds}内没有响应',
    'machines.progress.unverified': '{name}：唤醒包已发送，但无法确认是否唤醒：{cause:msg}',
    'machines.notice.probe-failed': '探测无法运行：{detail}',
    'machines.notice.neighbours-unavailable': '无法读取邻居表：{detail}',
    'machines.notice.icmp-failed': 'ping 命令无法运行：{detail}',
    'action.machines.wake': '唤醒 {target}',
    'action.machines.probe': '检查 {target} 是否在线',
    'machines.notice.virtual-nic': '{mac} 属于 {vendor} 虚拟网卡。休眠的机器只能通过其物理网卡的 MAC 唤醒。',
    'machines.notice.locally-administered':
      '{mac} 是本地管理地址（由软件设置：虚拟机、容器、网桥或随机化的 Wi-Fi 地址），并非网卡自身的 MAC。',
    'machines.notice.neighbour-mismatch':
      '{address} 的 MAC 为 {seenMac}，而不是 {mac}。如果那就是这台机器，请改用 {seenMac}。',
    'machines.notice.answered-by-other-mac':
      '{address} 以 MAC {seenMac}（而不是 {mac}）应答：该地址可能已被另一台机器占用。',
    'machines.notice.no-broadcast-route':
      '代理所在的网络（{networks}）到达不了这台机器。广播无法跨越路由器；在 Docker 中请让代理使用 host 网络模式。',
    'machines.notice.send-failed': '发送到 {address} 失败（{error}）。',
    'machines.notice.probe-blocked':
      '机器可能已开机，但丢弃了到端口 {port} 的连接（防火墙）。请换一个端口，或改用 ping。',
    'machines.notice.ping-blocked': '机器可能已开机，但不响应 ping（Windows 默认屏蔽）。请改用 TCP 端口。',
    'machines.notice.secureon-mismatch': 'SecureOn 密码必须与网卡上设置的一致；大多数网卡并不支持它。',
    'machines.notice.wol-settings':
      '必须在 BIOS/UEFI 和网卡上启用网络唤醒（Linux：ethtool -s <接口> wol g；Windows：“魔术包唤醒”），关闭快速启动，并且机器处于休眠或软关机状态且未断电。',
    'machines.notice.no-address': '未配置地址：无法确认唤醒，也无法核对 MAC。',
    'machines.notice.unresolved': '无法解析 {address}；请使用 IP 地址。',
    'machines.notice.icmp-unavailable': 'ping 探测需要代理所在机器上有 ping 命令。',
    'machines.notice.icmp-not-permitted':
      '代理无权发送 ping（ICMP）。请授予 CAP_NET_RAW，或改为探测 TCP 端口。',
  },
  'zh-Hant': {
    'event.machines.woke': '機器已喚醒',
    'event.machines.wake-failed': '喚醒失敗',
    'event.machines.mac-mismatch': '此位址出現了其他 MAC',
    'machines.woke': '{name} 已喚醒：Wake-on-LAN 後 {seconds:seconds}有了回應',
    'machines.wake-failed': '{name} 在 Wake-on-LAN 後 {seconds:seconds}內沒有回應',
    'machines.wake-failed.likely':
      '{name} 在 Wake-on-LAN 後 {seconds:seconds}內沒有回應。可能的原因：{likely:msg}',
    'machines.mac-mismatch': '{name}：{address} 以 MAC {seenMac} 回應，而不是設定的 {mac}',
    'machines.not-found': '沒有機器 {id}',
    'machines.refuse.no-seen-mac': '還沒有在 {name} 的位址上看到過 MAC',
    'machines.timeout': '{name} 在 {seconds:seconds}內沒有回應',
    'machines.no-target': '無處傳送喚醒封包：代理沒有帶廣播位址的 IPv4 網路；請為此機器設定 broadcast:',
    'machines.no-socket': '無法開啟 UDP 通訊端：{code}',
    'machines.send-failed-all': '喚醒封包無法傳送：{detail}',
    'machines.stopping': '代理正在停止',
    'machines.progress.sent': '已向 {targets} 傳送 {name} 的喚醒封包',
    'machines.progress.waiting': '正在等待 {name}…… {seconds:seconds}',
    'machines.progress.up': '{name} 在 {seconds:seconds}後回應',
    'machines.progress.up.how': '{name} 在 {seconds:seconds}後回應（{how:msg}）',
    'machines.answer.open': '埠 {port} 開放',
    'machines.answer.closed': '埠 {port} 關閉，但主機有回應',
    'machines.answer.echo': 'ping 有回應',
    'machines.progress.no-answer': '{name} 在 {seconds:seconds}內沒有回應',
    'machines.progress.unverified': '{name}：喚醒封包已傳送，但無法確認是否喚醒：{cause:msg}',
    'machines.notice.probe-failed': '探測無法執行：{detail}',
    'machines.notice.neighbours-unavailable': '無法讀取鄰居表：{detail}',
    'machines.notice.icmp-failed': 'ping 指令無法執行：{detail}',
    'action.machines.wake': '喚醒 {target}',
    'action.machines.probe': '檢查 {target} 是否在線',
    'machines.notice.virtual-nic':
      '{mac} 屬於 {vendor} 虛擬網路卡。睡眠中的機器只能透過其實體網路卡的 MAC 喚醒。',
    'machines.notice.locally-administered':
      '{mac} 是本機管理位址（由軟體設定：虛擬機、容器、橋接器或隨機化的 Wi-Fi 位址），並非網路卡本身的 MAC。',
    'machines.notice.neighbour-mismatch':
      '{address} 的 MAC 為 {seenMac}，而不是 {mac}。如果那就是這台機器，請改用 {seenMac}。',
    'machines.notice.answered-by-other-mac':
      '{address} 以 MAC {seenMac}（而不是 {mac}）回應：這個位址可能已被另一台機器使用。',
    'machines.notice.no-broadcast-route':
      '代理程式所在的網路（{networks}）無法到達這台機器。廣播無法跨越路由器；在 Docker 中請讓代理程式使用 host 網路模式。',
    'machines.notice.send-failed': '傳送到 {address} 失敗（{error}）。',
    'machines.notice.probe-blocked':
      '機器可能已開機，但丟棄了連到埠 {port} 的連線（防火牆）。請換一個埠，或改用 ping。',
    'machines.notice.ping-blocked': '機器可能已開機，但不回應 ping（Windows 預設會封鎖）。請改用 TCP 埠。',
    'machines.notice.secureon-mismatch': 'SecureOn 密碼必須與網路卡上設定的一致；大多數網路卡並不支援。',
    'machines.notice.wol-settings':
      '必須在 BIOS/UEFI 和網路卡上啟用網路喚醒（Linux：ethtool -s <介面> wol g；Windows：「魔術封包喚醒」），關閉快速啟動，並且機器處於睡眠或軟關機狀態且未斷電。',
    'machines.notice.no-address': '未設定位址：無法確認喚醒，也無法核對 MAC。',
    'machines.notice.unresolved': '無法解析 {address}；請使用 IP 位址。',
    'machines.notice.icmp-unavailable': 'ping 探測需要代理程式所在機器上有 ping 指令。',
    'machines.notice.icmp-not-permitted':
      '代理程式無權傳送 ping（ICMP）。請授予 CAP_NET_RAW，或改為探測 TCP 埠。',
  },
});

// Messages of the Machines screen (Wake-on-LAN). `machines.notice.<code>` translate the agent's
// warnings and likely causes by their stable code; the agent's English text is the fallback.
import { defineMessages } from '../i18n/define.js';

export const machinesMessages = defineMessages({
  en: {
    'machines.title': 'Machines',
    'machines.empty': 'No machines yet. Add them under machines: in lifeline.yaml.',
    'machines.state.online': 'Up',
    'machines.state.offline': 'Asleep or off',
    'machines.state.unknown': 'Unknown',
    'machines.upSince': 'Up since {time}',
    'machines.lastSeen': 'Last seen {ago}',
    'machines.neverSeen': 'Not seen yet',
    'machines.address': 'Address',
    'machines.noAddress': 'none',
    'machines.mac': 'MAC',
    'machines.wake': 'Wake',
    'machines.waking': 'Waking…',
    'machines.wakeSeen': 'Wake with {mac}',
    'machines.warnings': 'Warnings for {name}',
    'machines.stage.sent': 'Magic packet sent to {targets}',
    'machines.stage.waiting': 'Waiting for an answer…',
    'machines.elapsed': '{n} s of {total} s',
    'machines.stage.up': 'Up after {n} s',
    'machines.stage.no-answer': 'No answer after {n} s',
    'machines.stage.unverified': 'Sent; the wake cannot be verified',
    'machines.causes': 'Likely causes',
    'machines.lastWake': 'Last wake {time}, by {device}',
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
    'machines.title': '机器',
    'machines.empty': '还没有机器。请在 lifeline.yaml 的 machines: 下添加。',
    'machines.state.online': '已开机',
    'machines.state.offline': '休眠或关机',
    'machines.state.unknown': '未知',
    'machines.upSince': '自 {time} 起在线',
    'machines.lastSeen': '最后在线 {ago}',
    'machines.neverSeen': '尚未见到',
    'machines.address': '地址',
    'machines.noAddress': '无',
    'machines.mac': 'MAC',
    'machines.wake': '唤醒',
    'machines.waking': '正在唤醒…',
    'machines.wakeSeen': '用 {mac} 唤醒',
    'machines.warnings': '{name} 的警告',
    'machines.stage.sent': '魔术包已发送到 {targets}',
    'machines.stage.waiting': '正在等待应答…',
    'machines.elapsed': '{n} 秒 / {total} 秒',
    'machines.stage.up': '{n} 秒后已开机',
    'machines.stage.no-answer': '{n} 秒内无应答',
    'machines.stage.unverified': '已发送；无法确认是否唤醒',
    'machines.causes': '可能的原因',
    'machines.lastWake': '上次唤醒 {time}，由 {device} 发起',
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
    'machines.title': '機器',
    'machines.empty': '還沒有機器。請在 lifeline.yaml 的 machines: 下新增。',
    'machines.state.online': '已開機',
    'machines.state.offline': '睡眠或關機',
    'machines.state.unknown': '未知',
    'machines.upSince': '自 {time} 起在線',
    'machines.lastSeen': '最後上線 {ago}',
    'machines.neverSeen': '尚未見到',
    'machines.address': '位址',
    'machines.noAddress': '無',
    'machines.mac': 'MAC',
    'machines.wake': '喚醒',
    'machines.waking': '正在喚醒…',
    'machines.wakeSeen': '用 {mac} 喚醒',
    'machines.warnings': '{name} 的警告',
    'machines.stage.sent': '魔術封包已傳送到 {targets}',
    'machines.stage.waiting': '正在等待回應…',
    'machines.elapsed': '{n} 秒 / {total} 秒',
    'machines.stage.up': '{n} 秒後已開機',
    'machines.stage.no-answer': '{n} 秒內沒有回應',
    'machines.stage.unverified': '已傳送；無法確認是否喚醒',
    'machines.causes': '可能的原因',
    'machines.lastWake': '上次喚醒 {time}，由 {device} 發起',
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

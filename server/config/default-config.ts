// The commented config written on first `lifeline start`. It must stay valid: a test loads it.

export const DEFAULT_CONFIG = `# yaml-language-server: $schema=https://raw.githubusercontent.com/lifeline-home/lifeline/main/docs/lifeline.schema.json
# Lifeline configuration. Reference: docs/config.md. Secrets may be written as \${ENV_VAR}.
# (Files from earlier versions may say hosts:, docker:, plugs:, net: — those names still work.)

home:
  name: Home

listen:
  host: 127.0.0.1        # 0.0.0.0 to reach it from the LAN (phones need HTTPS: see README)
  port: 8080

data: ./data             # SQLite database and keys, created with mode 0700

# relay:                 # absent under \`lifeline start\`: the relay runs embedded
#   url: wss://relay.example.com
#   standby: wss://relay2.example.com   # optional second relay (docs/relay.md: A standby relay)

# publicUrl: https://home.example.com   # what pairing links point at

machines: []             # machines to wake (Wake-on-LAN)
#  - id: pc
#    name: Desk PC
#    mac: "a8:a1:59:12:34:56"
#    address: 192.168.1.20
#    probe: { tcp: 3389 }

containers: []           # Docker engines and their containers
#  - id: nas
#    socket: /var/run/docker.sock
#    watch: [cloudflared]
#    lifeline: [cloudflared]

power: []                # smart plugs
#  - id: cabinet
#    name: Network cabinet
#    driver: shelly-gen2
#    address: 192.168.1.50
#    lifeline: true
#    powers: [router, nas, agent]
#    cycleSeconds: 30

network:
  names: []              # DNS names that must point at home
  resolvers: [system]

notify: {}
#  quietHours: "23:00-07:00"
`;

#!/usr/bin/env node
// `npm test` set-up: makes sure the Debian packages the tests drive for real are installed.
// As root it installs what is missing; otherwise it stops with the exact command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** package → a file it provides, to tell whether it is installed without asking dpkg per package. */
export const TEST_PACKAGES = {
  chromium: '/usr/bin/chromium',
  iproute2: '/usr/sbin/ip',
  openssl: '/usr/bin/openssl',
  // CJK glyphs, so the zh-Hans / zh-Hant screenshots show text, not boxes.
  'fonts-wqy-microhei': '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  mosquitto: '/usr/sbin/mosquitto',
  bind9: '/usr/sbin/named',
  // test/server/agent/tls: Let's Encrypt's ACME test CA, validating DNS-01 against the test BIND.
  pebble: '/usr/bin/pebble',
  'docker.io': '/usr/sbin/dockerd',
  'busybox-static': '/bin/busybox',
  'iputils-ping': '/usr/bin/ping',
  // test/deploy: `systemd-analyze verify` / `security` on the units, `caddy adapt` on the Caddyfile.
  systemd: '/usr/bin/systemd-analyze',
  caddy: '/usr/bin/caddy',
  // test/resilience/power-cut: lossy-fs, the FUSE layer that loses un-fsynced writes at a cut.
  'python3-fusepy': '/usr/lib/python3/dist-packages/fusepy.py',
  // test/server/agent/ups: a real upsd with dummy-ups drivers; upsc (nut-client) tells the
  // harness when upsd serves a changed value.
  'nut-server': '/lib/nut/dummy-ups',
  'nut-client': '/bin/upsc',
  // test/server/relay/cluster-*: the relay cluster's shared state (a private server per test).
  postgresql: '/usr/lib/postgresql/15/bin/postgres',
  // test/deploy (relay-chart, relay-cluster-compose: `haproxy -c`) and test/server/relay-cluster
  // (several relays behind HAProxy, from deploy/haproxy/haproxy.cfg).
  haproxy: '/usr/sbin/haproxy',
};

const missing = Object.entries(TEST_PACKAGES)
  .filter(([, file]) => !existsSync(file))
  .map(([pkg]) => pkg);

if (missing.length === 0) process.exit(0);

const line = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
if (process.getuid?.() !== 0 || process.env.LIFELINE_NO_APT) {
  console.error(`The tests need Debian packages that are not installed. Run as root:\n  ${line}`);
  process.exit(1);
}
console.error(`[test-deps] installing ${missing.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`[test-deps] apt-get ${args.join(' ')} failed; run it by hand:\n  ${line}`);
    process.exit(1);
  }
};
run(['update']);
run(['install', '-y', '--no-install-recommends', ...missing]);

// The docker[] section of lifeline.yaml: defaults a careful user can rely on, and mistakes named
// with their line and key.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../../server/config/load.js';

function problems(yaml: string) {
  try {
    parseConfig(yaml, '/etc/lifeline.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('docker engines in the config', () => {
  it('fills in the loop and boot-race defaults; recovery stays off unless asked for', () => {
    const { config } = parseConfig('docker:\n  - id: nas\n    watch: [ddns]\n', '/x.yaml', {});
    expect(config.containers[0]).toMatchObject({
      id: 'nas',
      watch: ['ddns'],
      lifeline: [],
      restartLoop: { restarts: 3, minutes: 5 },
      bootRace: { minutes: 10, recover: false, windowMinutes: 10 },
    });
  });

  it('keeps the defaults for the keys left out of a partial section', () => {
    const { config } = parseConfig('docker:\n  - id: nas\n    bootRace: { recover: true }\n', '/x.yaml', {});
    expect(config.containers[0]?.bootRace).toEqual({ minutes: 10, recover: true, windowMinutes: 10 });
  });

  it('names the line and key of a mistake', () => {
    expect(problems('docker:\n  - id: nas\n    bootRace: { recover: yes please }\n')).toEqual([
      '3: docker[0].bootRace.recover: expected boolean, got "yes please"',
    ]);
    expect(problems('docker:\n  - id: nas\n    restartLoop: { restarts: 1 }\n')[0]).toMatch(
      /^3: docker\[0\]\.restartLoop\.restarts: expected at least 2/,
    );
    expect(problems('docker:\n  - id: nas\n    bootRace: { window: 5 }\n')[0]).toContain(
      'unknown key "window"',
    );
  });

  it('refuses a socket and a url together, and TLS files without a url', () => {
    expect(problems('docker:\n  - id: nas\n    socket: /s\n    url: tcp://nas:2376\n')[0]).toContain(
      'docker[0]: either socket or url, not both',
    );
    expect(problems('docker:\n  - id: nas\n    tls: { cert: c.pem, key: k.pem }\n')[0]).toContain(
      '3: docker[0].tls: tls files only with a url such as tcp://nas.lan:2376',
    );
  });
});

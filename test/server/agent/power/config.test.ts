// The plugs section of lifeline.yaml: each driver's keys checked with an error that names the
// line and the key — and never echoes a secret back.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../../server/config/load.js';

/** The config's problems as `line: path: message`, none when it loads. */
function problemsIn(yaml: string): string[] {
  try {
    parseConfig(yaml, '/etc/lifeline.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const problems = (plug: string) => problemsIn(`plugs:\n  - id: p\n    name: Plug\n${plug}`);

describe('plug config', () => {
  it('accepts a plug per driver with its keys', () => {
    expect(problems('    driver: shelly-gen2\n    address: 10.0.0.5\n    password: x\n')).toEqual([]);
    expect(problems('    driver: tasmota-mqtt\n    address: 10.0.0.2:1883\n    topic: tasmota_1\n')).toEqual(
      [],
    );
    expect(
      problems(
        `    driver: miio\n    address: 10.0.0.6\n    token: ${'a'.repeat(32)}\n    model: cuco.plug.v3\n`,
      ),
    ).toEqual([]);
    expect(
      problems(
        '    driver: homeassistant\n    address: http://ha:8123\n    token: t\n    entity: switch.x\n',
      ),
    ).toEqual([]);
  });

  it('names what each driver is missing', () => {
    expect(problems('    driver: shelly-gen1\n')).toEqual([
      expect.stringMatching(/^2: plugs\[0\]\.address: missing; the plug's host/),
    ]);
    expect(problems('    driver: zigbee2mqtt\n    address: b\n')).toEqual([
      expect.stringMatching(/plugs\[0\]\.topic: missing; the device's friendly name/),
    ]);
    expect(problems('    driver: homeassistant\n    address: h\n').join('\n')).toMatch(
      /token: missing.*\n.*entity: missing/,
    );
  });

  it('refuses a lifeline plug that does not say what it powers', () => {
    expect(problems('    driver: shelly-gen2\n    address: a\n    lifeline: true\n')).toEqual([
      expect.stringMatching(/plugs\[0\]\.powers: a lifeline plug needs powers/),
    ]);
  });

  it('refuses a second entry for the same outlet, which would switch a lifeline plug past the guard', () => {
    const two = (a: string, b: string) =>
      problemsIn(
        `power:\n  - id: cabinet\n    name: Cabinet\n    lifeline: true\n    powers: [router]\n${a}  - id: cab2\n    name: Cab 2\n${b}`,
      );
    const shelly = (address: string, extra = '') =>
      `    driver: shelly-gen1\n    address: ${address}\n${extra}`;
    expect(two(shelly('10.0.0.5'), shelly('10.0.0.5'))).toEqual([
      '11: power[1].address: the same outlet as power[0] (cabinet): one entry per outlet, so the guard knows every way to switch it',
    ]);
    // The same device written another way, or by another driver, is still the same outlet.
    expect(two(shelly('Cabinet.LAN'), shelly('cabinet.lan.:80'))).toHaveLength(1);
    expect(two(shelly('10.0.0.5'), '    driver: tasmota\n    address: 10.0.0.5\n')).toHaveLength(1);
    expect(two(shelly('10.0.0.5', '    channel: 0\n'), shelly('10.0.0.5'))).toHaveLength(1);
    expect(two(shelly('"fd00::5"'), shelly('"[FD00::5]:80"'))).toHaveLength(1);
    // Other outlets of one strip, other devices and other bridge topics are fine.
    expect(two(shelly('10.0.0.5'), shelly('10.0.0.5', '    channel: 1\n'))).toEqual([]);
    expect(two(shelly('10.0.0.5:80'), shelly('10.0.0.5:8080'))).toEqual([]);
    expect(two(shelly('10.0.0.5'), shelly('10.0.0.6'))).toEqual([]);
    const mqtt = (topic: string) =>
      `    driver: tasmota-mqtt\n    address: broker:1883\n    topic: ${topic}\n`;
    expect(two(mqtt('cabinet'), mqtt('lamp'))).toEqual([]);
    expect(two(mqtt('cabinet'), mqtt('cabinet'))).toHaveLength(1);
  });

  it('flags a key the driver does not use, on its line, without echoing a secret', () => {
    const out = problems('    driver: tasmota\n    address: a\n    token: super-secret-value\n');
    expect(out).toEqual(['6: plugs[0].token: not used by driver tasmota']);
    const bad = problems('    driver: miio\n    address: a\n    token: also-secret\n');
    expect(bad).toEqual(['6: plugs[0].token: a token of 32 hex digits']);
    expect([...out, ...bad].join()).not.toMatch(/secret/);
  });

  it('refuses a Shelly Gen2 user other than admin and an unknown driver', () => {
    expect(problems('    driver: shelly-gen2\n    address: a\n    username: bob\n')).toEqual([
      expect.stringMatching(/username: Shelly Gen2 devices always use the user "admin"/),
    ]);
    expect(problems('    driver: sonoff\n    address: a\n')[0]).toMatch(
      /driver: expected one of "shelly-gen1"/,
    );
  });
});

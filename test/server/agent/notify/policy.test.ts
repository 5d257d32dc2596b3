// Which events notify, how urgently, where a tap leads, and quiet hours.
import { describe, expect, it } from 'vitest';
import {
  deepLink,
  deliveryFor,
  notifies,
  quietUntil,
  topicFor,
  wants,
} from '../../../../server/agent/notify/policy.js';
import type { EventRecord } from '../../../../shared/protocol/frames.js';

const ev = (kind: string, severity: EventRecord['severity'], subject?: string): EventRecord => ({
  id: 1,
  at: Date.UTC(2026, 10, 25, 12),
  kind,
  severity,
  message: `${kind} happened`,
  ...(subject ? { subject } : {}),
});
const at = (h: number, m = 0) => new Date(2026, 10, 25, h, m).getTime();

describe('notification policy', () => {
  it('notifies warnings and critical events, and only the notable info ones', () => {
    expect(notifies(ev('containers.died', 'warning'))).toBe(true);
    expect(notifies(ev('network.ip-changed', 'info'))).toBe(true);
    expect(notifies(ev('agent.started', 'info'))).toBe(false);
  });

  it('opens the screen of the thing, at the thing', () => {
    expect(deepLink(ev('containers.died', 'warning', 'nas/ddns'))).toBe('#/containers/nas%2Fddns');
    expect(deepLink(ev('machines.wake-failed', 'warning', 'pc'))).toBe('#/machines/pc');
    expect(deepLink(ev('lifeline.cycle-started', 'warning', 'cabinet'))).toBe('#/power/cabinet');
    expect(deepLink(ev('network.ddns-failed', 'warning'))).toBe('#/home');
  });

  it('wakes the phone for warnings (Urgency: high) and keeps critical ones longest', () => {
    expect(deliveryFor(ev('containers.died', 'warning'), 'Home', 'en')).toMatchObject({
      urgency: 'high',
      ttl: 43200,
      urgent: false,
    });
    expect(deliveryFor(ev('network.ip-changed', 'info'), 'Home', 'en')).toMatchObject({
      urgency: 'normal',
      ttl: 3600,
    });
    expect(deliveryFor(ev('lifeline.cycle-started', 'warning'), 'Home', 'zh-Hant')).toMatchObject({
      urgent: true,
      payload: { title: 'Home: 生命線斷電重啟開始' },
    });
  });

  it('coalesces by topic: the same thing gets the same short topic', () => {
    const a = topicFor('containers.died', 'nas/ddns');
    expect(a).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(topicFor('containers.died', 'nas/ddns')).toBe(a);
    expect(topicFor('containers.died', 'nas/web')).not.toBe(a);
  });

  it('knows when quiet hours end, across midnight', () => {
    expect(quietUntil('23:00-07:00', at(23, 30))).toBe(new Date(2026, 10, 26, 7, 0).getTime());
    expect(quietUntil('23:00-07:00', at(3, 0))).toBe(at(7, 0));
    expect(quietUntil('23:00-07:00', at(12, 0))).toBeNull();
    expect(quietUntil('12:00-13:00', at(12, 30))).toBe(at(13, 0));
    expect(quietUntil(undefined, at(12, 30))).toBeNull();
  });

  it('filters by the kinds a device chose', () => {
    expect(wants(null, ev('power.offline', 'warning'))).toBe(true);
    expect(wants(['containers', 'machines'], ev('containers.died', 'warning'))).toBe(true);
    expect(wants(['containers'], ev('power.offline', 'warning'))).toBe(false);
  });
});

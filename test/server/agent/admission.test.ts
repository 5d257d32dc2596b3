// Handshake seats: the rules alone (the lock-out reproductions with real sockets are in lockout.test.ts).
import { describe, expect, it } from 'vitest';
import { Admission, type Seat } from '../../../server/agent/admission.js';
import { RateLimiter } from '../../../server/rate-limit.js';
import { sourceKey } from '../../../server/source-key.js';
import { ManualClock } from '../../harness/agent.js';

const limits = { pendingPerPath: 6, pendingPerSource: 3, connectsPerMinute: 5 };
const isSeat = (s: Seat | { code: string }): s is Seat => !('code' in s);

describe('source keys', () => {
  it('counts IPv6 by /64, IPv4 and IPv4-mapped addresses by address, relay sources by the client', () => {
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(sourceKey('relay:2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('relay:192.0.2.7')).toBe('192.0.2.7');
  });
});

describe('admission', () => {
  it('gives each source a few seats; a /64 is one source', () => {
    const a = new Admission(limits, new ManualClock());
    const seats = ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2::3', '2001:db8:1:2::4'].map((ip) =>
      a.enter('relay', `relay:${ip}`, () => {}),
    );
    expect(seats.slice(0, 3).every(isSeat)).toBe(true);
    expect(seats[3]).toMatchObject({ code: 'busy', message: expect.stringContaining('2001:db8:1:2::/64') });
    expect(isSeat(a.enter('relay', 'relay:2001:db8:1:3::1', () => {}))).toBe(true);
  });

  it('keeps the direct and the relay pools apart', () => {
    const a = new Admission(limits, new ManualClock());
    for (const ip of ['10.0.0.1', '10.0.0.2']) for (let i = 0; i < 3; i++) a.enter('relay', ip, () => {});
    expect(a.pending('relay')).toBe(6);
    expect(isSeat(a.enter('direct', '10.0.0.3', () => {}))).toBe(true);
    expect(a.pending('direct')).toBe(1);
  });

  it('seats a newcomer in a full pool by dropping the idlest seat of the biggest holder', () => {
    const clock = new ManualClock();
    const a = new Admission(limits, clock);
    const dropped: string[] = [];
    const take = (ip: string, name: string) => {
      clock.advance(1);
      return a.enter('direct', ip, () => dropped.push(name)) as Seat;
    };
    take('10.0.0.1', 'a1');
    take('10.0.0.1', 'a2').advance('auth');
    take('10.0.0.1', 'a3');
    take('10.0.0.2', 'b1');
    take('10.0.0.2', 'b2');
    take('10.0.0.3', 'c1');
    expect(a.pending('direct')).toBe(6);
    clock.advance(2000); // the seats still without a hello are idle now
    take('192.0.2.1', 'owner');
    // 10.0.0.1 holds the most; of its seats, a1 is the oldest still waiting for a hello.
    expect(dropped).toEqual(['a1']);
    take('10.0.0.4', 'd1');
    expect(dropped).toEqual(['a1', 'a3']);
    expect(a.pending('direct')).toBe(6);
  });

  it('drops a stranger stalled after its hello before a handshake that has just begun', () => {
    const clock = new ManualClock();
    const a = new Admission({ ...limits, pendingPerSource: 1 }, clock);
    const dropped: string[] = [];
    for (let i = 1; i <= 6; i++) {
      clock.advance(100);
      (a.enter('direct', `10.0.1.${i}`, () => dropped.push(`s${i}`)) as Seat).advance('auth');
    }
    clock.advance(100);
    a.enter('direct', '192.0.2.1', () => dropped.push('owner')); // no hello yet: it just connected
    clock.advance(100);
    a.enter('direct', '10.0.1.7', () => dropped.push('s7'));
    // Everyone holds one seat: the oldest go first, the owner's fresh handshake stays.
    expect(dropped).toEqual(['s1', 's2']);
  });

  it('limits direct connects per source per minute and says so', () => {
    const clock = new ManualClock();
    const a = new Admission({ ...limits, pendingPerSource: 100, pendingPerPath: 100 }, clock);
    for (let i = 0; i < 5; i++) (a.enter('direct', '10.0.0.9', () => {}) as Seat).leave();
    expect(a.enter('direct', '10.0.0.9', () => {})).toMatchObject({
      code: 'rate-limited',
      message: expect.stringContaining('10.0.0.9'),
    });
    expect(isSeat(a.enter('relay', 'relay:10.0.0.9', () => {}))).toBe(true);
    clock.advance(60_001);
    expect(isSeat(a.enter('direct', '10.0.0.9', () => {}))).toBe(true);
  });

  it('lets a paired device in past its address’s used-up budget, on a budget of its own', () => {
    const clock = new ManualClock();
    const a = new Admission({ ...limits, pendingPerSource: 100, pendingPerPath: 100 }, clock);
    // Strangers behind the owner's NAT use up the address's connects.
    for (let i = 0; i < 5; i++) (a.enter('direct', '198.51.100.7', () => {}) as Seat).leave();
    expect(a.enter('direct', '198.51.100.7', () => {})).toMatchObject({ code: 'rate-limited' });
    // The owner's phone, recognized by its pass, gets a seat there all the same, up to its own limit.
    for (let i = 0; i < 5; i++) {
      const seat = a.enterRecognized('direct', '198.51.100.7', 'phone', () => {});
      expect(isSeat(seat)).toBe(true);
      (seat as Seat).leave();
    }
    // Refused in the address's own words: the answer does not tell one device from another.
    expect(a.enterRecognized('direct', '198.51.100.7', 'phone', () => {})).toEqual(
      a.enter('direct', '198.51.100.7', () => {}),
    );
    expect(isSeat(a.enterRecognized('direct', '198.51.100.7', 'laptop', () => {}))).toBe(true);
  });

  it('charges a connection that showed a paired device’s pass to the device, while it has room', () => {
    const clock = new ManualClock();
    const a = new Admission({ ...limits, pendingPerSource: 100, pendingPerPath: 100 }, clock);
    // A household's devices reconnecting do not use up what a newcomer from there needs...
    for (let i = 0; i < 5; i++) {
      const seat = a.enter('direct', '198.51.100.8', () => {}) as Seat;
      seat.recognized('phone');
      seat.recognized('phone'); // once only
      seat.leave();
    }
    for (let i = 0; i < 4; i++) expect(isSeat(a.enter('direct', '198.51.100.8', () => {}))).toBe(true);
    // ...but a device is not a way around the limit: past its own minute, its address pays.
    (a.enter('direct', '198.51.100.8', () => {}) as Seat).recognized('phone');
    expect(a.enter('direct', '198.51.100.8', () => {})).toMatchObject({ code: 'rate-limited' });
  });

  it('takes nothing from an address’s minute for a connection refused as busy', () => {
    const clock = new ManualClock();
    const a = new Admission({ ...limits, pendingPerSource: 1, pendingPerPath: 2 }, clock);
    const held = a.enter('direct', '198.51.100.9', () => {}) as Seat;
    for (let i = 0; i < 10; i++)
      expect(a.enter('direct', '198.51.100.9', () => {})).toMatchObject({ code: 'busy' });
    held.leave();
    for (let i = 0; i < 4; i++) (a.enter('direct', '198.51.100.9', () => {}) as Seat).leave();
    expect(a.enter('direct', '198.51.100.9', () => {})).toMatchObject({ code: 'rate-limited' });
  });
});

describe('rate limiter', () => {
  it('does not count refused attempts: a source that keeps knocking is back one window after its last admitted one', () => {
    const clock = new ManualClock();
    const r = new RateLimiter(5, 60_000, clock);
    for (let i = 0; i < 5; i++) expect(r.take('x')).toBe(true);
    clock.advance(30_000);
    for (let i = 0; i < 10_000; i++) expect(r.take('x')).toBe(false);
    expect(r.count('x')).toBe(5);
    clock.advance(30_001);
    expect(r.take('x')).toBe(true);
  });
});

// Docker's wire formats as the agent reads them: multiplexed log frames, event lines, image
// references — including the garbage a broken or hostile engine could send.
import { describe, expect, it } from 'vitest';
import { imagePin } from '../../../../server/agent/containers/container-info.js';
import { parseEvent } from '../../../../server/agent/containers/engine-link.js';
import { describeDeath } from '../../../../server/agent/containers/incidents.js';
import { demultiplex, parseLogLines } from '../../../../server/agent/containers/logs.js';

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

describe('log frames', () => {
  it('separates stdout and stderr and reads the timestamps', () => {
    const buf = Buffer.concat([
      frame(1, '2026-01-02T03:04:05.123456789Z started\n'),
      frame(2, '2026-01-02T03:04:06.000000000Z sh: /app/run.sh: not found\n'),
    ]);
    expect(parseLogLines(buf, { tty: false, timestamps: true })).toEqual([
      { at: Date.parse('2026-01-02T03:04:05.123Z'), stream: 'stdout', text: 'started' },
      { at: Date.parse('2026-01-02T03:04:06.000Z'), stream: 'stderr', text: 'sh: /app/run.sh: not found' },
    ]);
  });

  it('reads a TTY container’s log as plain text, line by line', () => {
    const lines = parseLogLines(Buffer.from('one\r\ntwo\n'), { tty: true, timestamps: false });
    expect(lines.map((l) => l.text)).toEqual(['one', 'two']);
  });

  it('survives a frame cut short and a buffer that is not framed at all', () => {
    const cut = frame(1, 'a complete line\n').subarray(0, 12);
    expect(demultiplex(cut, false)).toEqual([{ stream: 'stdout', text: 'a co' }]);
    expect(parseLogLines(Buffer.from('just text\n'), { tty: false, timestamps: true })).toEqual([
      { at: null, stream: 'stdout', text: 'just text' },
    ]);
    expect(parseLogLines(Buffer.alloc(0), { tty: false, timestamps: true })).toEqual([]);
  });

  it('cuts an endless line instead of passing it all on', () => {
    const [line] = parseLogLines(frame(1, `${'x'.repeat(10_000)}\n`), { tty: false, timestamps: false });
    expect(line!.text.length).toBe(2000);
  });
});

describe('event lines', () => {
  it('reads a container event and a network event naming a container', () => {
    const id = 'a'.repeat(64);
    expect(
      parseEvent(
        JSON.stringify({
          Type: 'container',
          Action: 'die',
          Actor: { ID: id, Attributes: { exitCode: '137', name: 'bots' } },
          timeNano: 1_700_000_000_123_000_000,
        }),
      ),
    ).toEqual({
      type: 'container',
      action: 'die',
      containerId: id,
      attributes: { exitCode: '137', name: 'bots' },
      at: 1_700_000_000_123,
    });
    expect(
      parseEvent(
        JSON.stringify({
          Type: 'network',
          Action: 'disconnect',
          Actor: { ID: 'net', Attributes: { container: id } },
          time: 5,
        }),
      ),
    ).toMatchObject({ type: 'network', containerId: id, at: 5000 });
  });

  it('reads an image event as one about no container (a tag that moved: image drift)', () => {
    expect(
      parseEvent(JSON.stringify({ Type: 'image', Action: 'tag', Actor: { ID: 'sha256:x' }, time: 5 })),
    ).toEqual({ type: 'image', action: 'tag', containerId: '', attributes: {}, at: 5000 });
  });

  it('ignores garbage, other event types and ids that are not ids', () => {
    for (const line of [
      'not json',
      '42',
      'null',
      JSON.stringify({ Type: 'volume', Action: 'create', Actor: { ID: 'data' } }),
      JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: '../../etc' } }),
      JSON.stringify({ Type: 'container', Actor: { ID: 'a'.repeat(64) } }),
      JSON.stringify({ Type: 'network', Action: 'connect', Actor: { ID: 'n', Attributes: {} } }),
    ])
      expect(parseEvent(line), line).toBeNull();
  });
});

describe('image pinning', () => {
  it('flags latest and untagged images, and tells a tag from a digest', () => {
    expect(imagePin('grafana/grafana:latest')).toBe('latest');
    expect(imagePin('grafana/grafana')).toBe('untagged');
    expect(imagePin('registry.lan:5000/grafana')).toBe('untagged');
    expect(imagePin('registry.lan:5000/grafana:10.4.2')).toBe('tag');
    expect(imagePin(`grafana/grafana:10.4.2@sha256:${'0'.repeat(64)}`)).toBe('digest');
    expect(imagePin(`sha256:${'f'.repeat(64)}`)).toBe('digest');
  });
});

describe('how a death is told', () => {
  it('names the exit code with its usual meaning, or the start error', () => {
    expect(describeDeath({ exitCode: 127, error: null, oomKilled: false, startFailed: false })).toBe(
      'died with exit code 127 (its command or a file it needs was not found)',
    );
    expect(describeDeath({ exitCode: 137, error: null, oomKilled: true, startFailed: false })).toBe(
      'died with exit code 137 (killed for using too much memory)',
    );
    expect(
      describeDeath({
        exitCode: 127,
        error: 'exec: "/app/run.sh": no such file',
        oomKilled: false,
        startFailed: true,
      }),
    ).toBe('could not start (exit code 127): exec: "/app/run.sh": no such file');
  });
});

// A Docker engine whose exit handling is slow, as on a loaded NAS with slow disks. dockerd logs the
// `stop` of a docker stop only once it has finished with the container's exit (unmounts, network
// teardown), and answers an inspect of the container only then too: both wait for its lock. This
// proxy in front of a test dockerd holds back every `stop` event and every inspect answer by
// `delayMs`; everything else passes through as it comes.
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';

export interface SlowExitEngine {
  /** Where the agent connects instead of the daemon's socket. */
  socket: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Event lines in order; a `stop` holds back itself and what follows it. */
function relayEvents(from: IncomingMessage, to: ServerResponse, delayMs: number): void {
  to.writeHead(from.statusCode ?? 502, from.headers);
  // The client waits for the headers before it reads a single event.
  to.flushHeaders();
  let pending = '';
  let chain = Promise.resolve();
  from.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl + 1);
      pending = pending.slice(nl + 1);
      const hold = /"(Action|status)":"stop"/.test(line);
      chain = chain.then(async () => {
        if (hold) await sleep(delayMs);
        if (!to.destroyed) to.write(line);
      });
    }
  });
  from.on('end', () => void chain.then(() => to.end()));
}

export async function startSlowExitEngine(
  upstream: string,
  socket: string,
  delayMs: number,
): Promise<SlowExitEngine> {
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    const up = request(
      { socketPath: upstream, method: req.method, path: url, headers: req.headers },
      (answer) => {
        if (/\/events(\?|$)/.test(url)) return relayEvents(answer, res, delayMs);
        const send = () => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        };
        if (req.method === 'GET' && /\/containers\/[^/]+\/json(\?|$)/.test(url)) setTimeout(send, delayMs);
        else send();
      },
    );
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Request/answer over MQTT: publish a command, then wait for the first message that answers it.
import { LifelineError } from '../../../../shared/protocol/errors.js';

type Matcher<T> = (topic: string, payload: string) => T | undefined;

export class MqttWaiters {
  private readonly waiting = new Set<(topic: string, payload: string) => boolean>();

  /** Feed every incoming message here. */
  offer(topic: string, payload: string): void {
    for (const w of [...this.waiting]) if (w(topic, payload)) this.waiting.delete(w);
  }

  wait<T>(match: Matcher<T>, timeoutMs: number, timeoutMessage: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w = (topic: string, payload: string) => {
        const v = match(topic, payload);
        if (v === undefined) return false;
        clearTimeout(timer);
        resolve(v);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiting.delete(w);
        reject(new LifelineError('timeout', timeoutMessage));
      }, timeoutMs);
      this.waiting.add(w);
    });
  }
}

export function jsonOf(payload: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(payload) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// Metrics kept as plain numbers until someone scrapes: prom-client and its process metrics load on
// the first /metrics request, so a home nobody monitors never pays for them (about 12 MB of RSS).
// The text is what prom-client writes for the same metrics, names and labels unchanged.
import type { Registry } from 'prom-client';

export type Labels = Readonly<Record<string, string>>;

interface Sample {
  name: string;
  labels: readonly (readonly [string, string | number])[];
  value: number;
}

abstract class Metric {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  abstract samples(): Sample[];
}

/** Series by label set, keyed by the label values in a fixed order; the first labels object is kept for its order. */
class SeriesMap<V> {
  private readonly map = new Map<string, { labels: Labels; value: V }>();
  get(labels: Labels, fresh: () => V): V {
    const key = JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((k) => [k, labels[k]]),
    );
    const found = this.map.get(key);
    if (found) return found.value;
    const value = fresh();
    this.map.set(key, { labels: { ...labels }, value });
    return value;
  }
  entries(): { labels: Labels; value: V }[] {
    return [...this.map.values()];
  }
}

export class Counter extends Metric {
  readonly type = 'counter';
  private readonly series = new SeriesMap<{ n: number }>();
  inc(labels: Labels = {}, by = 1): void {
    this.series.get(labels, () => ({ n: 0 })).n += by;
  }
  samples(): Sample[] {
    return this.series
      .entries()
      .map((s) => ({ name: this.name, labels: Object.entries(s.labels), value: s.value.n }));
  }
}

/** A gauge read when scraped. */
export class Gauge extends Metric {
  readonly type = 'gauge';
  constructor(
    name: string,
    help: string,
    private readonly read: () => readonly { labels: Labels; value: number }[],
  ) {
    super(name, help);
  }
  samples(): Sample[] {
    return this.read().map((s) => ({ name: this.name, labels: Object.entries(s.labels), value: s.value }));
  }
}

interface Buckets {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric {
  readonly type = 'histogram';
  private readonly series = new SeriesMap<Buckets>();
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
    labelled: boolean,
  ) {
    super(name, help);
    // prom-client shows an unlabelled histogram's zero buckets before the first observation.
    if (!labelled) this.series.get({}, () => this.empty());
  }

  observe(value: number, labels: Labels = {}): void {
    const b = this.series.get(labels, () => this.empty());
    const i = this.bounds.findIndex((bound) => value <= bound);
    if (i >= 0) b.counts[i]!++;
    b.sum += value;
    b.count++;
  }

  /** Starts a timer; the function it returns records the seconds elapsed, with more labels. */
  startTimer(labels: Labels): (more: Labels) => void {
    const start = performance.now();
    return (more) => this.observe((performance.now() - start) / 1000, { ...labels, ...more });
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (const { labels, value: b } of this.series.entries()) {
      const shared = Object.entries(labels);
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += b.counts[i]!;
        out.push({ name: `${this.name}_bucket`, labels: [['le', le], ...shared], value: acc });
      });
      out.push({ name: `${this.name}_bucket`, labels: [['le', '+Inf'], ...shared], value: b.count });
      out.push({ name: `${this.name}_sum`, labels: shared, value: b.sum });
      out.push({ name: `${this.name}_count`, labels: shared, value: b.count });
    }
    return out;
  }

  private empty(): Buckets {
    return { counts: this.bounds.map(() => 0), sum: 0, count: 0 };
  }
}

/** Prometheus text exposition format 0.0.4, as prom-client serves it. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class MetricsRegistry {
  readonly contentType = METRICS_CONTENT_TYPE;
  private readonly list: Metric[] = [];
  private process: Promise<Registry> | undefined;

  /** `prefix` names the process metrics (memory, CPU, event loop) that come with the first scrape. */
  constructor(private readonly prefix: string) {}

  add<M extends Metric>(metric: M): M {
    this.list.push(metric);
    return metric;
  }

  /** Everything, in the text format. */
  async metrics(): Promise<string> {
    const blocks = this.list.map((m) =>
      [`# HELP ${m.name} ${escapeText(m.help)}`, `# TYPE ${m.name} ${m.type}`, ...m.samples().map(line)].join(
        '\n',
      ),
    );
    const process = (await this.processRegistry()).metrics();
    return `${[...blocks, (await process).trimEnd()].join('\n\n')}\n`;
  }

  async getMetricsAsJSON(): Promise<{ name: string; help: string; type: string }[]> {
    const own = this.list.map((m) => ({ name: m.name, help: m.help, type: m.type }));
    const process = await (await this.processRegistry()).getMetricsAsJSON();
    return [...own, ...process.map((m) => ({ name: m.name, help: m.help, type: String(m.type) }))];
  }

  private processRegistry(): Promise<Registry> {
    this.process ??= import('prom-client').then(({ Registry, collectDefaultMetrics }) => {
      const r = new Registry();
      collectDefaultMetrics({ register: r, prefix: this.prefix });
      return r;
    });
    return this.process;
  }
}

function line(s: Sample): string {
  const labels = s.labels.map(
    ([k, v]) => `${k}="${typeof v === 'string' ? escapeText(v).replace(/"/g, '\\"') : v}"`,
  );
  return `${s.name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${number(s.value)}`;
}

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'Nan';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

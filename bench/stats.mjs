export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export function latencyRows(metric, samples) {
  return [
    { metric: `${metric} p50`, value: round(percentile(samples, 50)), unit: 'ms' },
    { metric: `${metric} p99`, value: round(percentile(samples, 99)), unit: 'ms' },
  ];
}

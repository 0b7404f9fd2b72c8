/**
 * Reads sample values out of Prometheus text exposition (what `/metrics` serves), so tests can
 * say "this counter grew" without caring about label order or other series.
 */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = parseLabels(match[2] ?? '');
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

function parseLabels(raw: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of raw.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
  return labels;
}

/** Fetches `/metrics` from a running server and returns the sum of `name` over matching series. */
export async function fetchMetric(baseUrl: string, name: string, labels?: Record<string, string>): Promise<number> {
  const res = await fetch(`${baseUrl}/metrics`);
  return metricSum(await res.text(), name, labels);
}

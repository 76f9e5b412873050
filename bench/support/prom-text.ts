/**
 * Sums the samples of counter `name` in a Prometheus text exposition,
 * grouped by the value of `label` (samples without it go under '').
 */
export function sumByLabel(text: string, name: string, label: string, filter: Readonly<Record<string, string>> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labels: Record<string, string> = {};
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    if (open !== -1 && close > open) for (const m of line.slice(open + 1, close).matchAll(/(\w+)="([^"]*)"/g)) labels[m[1]!] = m[2]!;
    if (Object.entries(filter).some(([k, v]) => labels[k] !== v)) continue;
    const value = Number(line.slice((close === -1 ? name.length : close + 1)).trim().split(' ')[0]);
    if (!Number.isFinite(value)) continue;
    const key = labels[label] ?? '';
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

/** GET `<adminUrl>/metrics`; '' when it fails (the process may be gone). */
export async function scrape(adminUrl: string): Promise<string> {
  try {
    const res = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

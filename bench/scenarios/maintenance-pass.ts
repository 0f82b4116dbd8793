import { type PricedUsage, pricedUsage } from '../cost.js';
import type { SectionContext } from './section.js';

interface PassReport {
  durationMs: number;
  complete: boolean;
  skipped?: string;
  partitions: { topic: string; compaction: { entriesBefore: number; entriesAfter: number; segments: number } }[];
}

export type MaintenancePass =
  | { ok: true; durationMs: number; partitions: { topic: string; entriesBefore: number; entriesAfter: number; segments: number }[]; calls: Record<string, number>; priced: PricedUsage }
  | { ok: false; error: string };

/**
 * One maintenance pass through the public route (POST /v1/maintenance/run, root key), with
 * its storage calls metered. In production EventBridge Scheduler invokes the maintenance
 * Lambda directly; the HTTP hop here is priced as a plain invocation (no API Gateway).
 */
export async function runMaintenancePass(ctx: SectionContext): Promise<MaintenancePass> {
  const pass = await meteredMaintenanceRun<PassReport>(ctx);
  if (!pass.ok) return pass;
  return {
    ok: true,
    durationMs: pass.durationMs,
    partitions: pass.report.partitions.map((p) => ({ topic: p.topic, ...p.compaction })),
    calls: pass.calls,
    priced: pass.priced,
  };
}

/** POST /v1/maintenance/run with the stack's meter reset first: the pass's report, and the calls it made, priced. */
export async function meteredMaintenanceRun<Report extends { complete: boolean; skipped?: string }>(
  ctx: SectionContext,
): Promise<{ ok: true; report: Report; durationMs: number; calls: Record<string, number>; priced: PricedUsage } | { ok: false; error: string }> {
  const { stack } = ctx;
  stack.meter.reset();
  try {
    const response = await fetch(`${stack.api.baseUrl}/v1/maintenance/run`, { method: 'POST', headers: { authorization: `Bearer ${stack.api.apiKey}` } });
    const text = await response.text();
    if (!response.ok) return { ok: false, error: `POST /v1/maintenance/run answered ${response.status}: ${text.slice(0, 300)}` };
    const report = JSON.parse(text) as Report;
    if (!report.complete) return { ok: false, error: `the pass did not complete (${report.skipped ?? 'budget'})` };
    const usage = stack.meter.snapshot();
    return {
      ok: true,
      report,
      durationMs: Math.round(usage.server.totalMs),
      calls: Object.fromEntries(Object.entries(usage.calls).map(([name, n]) => [name.replace(/Command$/, ''), n])),
      priced: pricedUsage(usage, undefined),
    };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The self-contained `report.html` of a reproduction: inline SVG figures (no scripts, no network, no
 * external files) equivalent to the paper's Fig. 2: accuracy vs SynOps per strategy on a log axis with the
 * dense ANN's MACs marked, and SynOps per layer of the baseline and the best optimized model.
 */
import { trainingText } from './budget';
import { fmtSynops, label, tableRows } from './report';
import type { ReportPoint, ReproduceReport } from './types';
import type { Strategy } from '../train/types';
import { strategyLabel } from '../../protocol/strategy';

/** How the report draws each strategy; the names are the protocol's one table's (`src/protocol/strategy.ts`). */
export const STRATEGY_STYLE: Record<Strategy, { name: string; color: string; dash?: string }> = {
  baseline: { name: strategyLabel('baseline'), color: '#222222' },
  scale: { name: `${strategyLabel('scale')} (first layer ×ρ)`, color: '#d9822b', dash: '6 4' },
  synops: { name: strategyLabel('synops'), color: '#2b6cd9' },
  'synops-qrelu': { name: strategyLabel('synops-qrelu'), color: '#1f9d55' },
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number): string => (Math.round(v * 10) / 10).toString();

interface Axis { lo: number; hi: number }

function logAxis(values: number[]): Axis {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return { lo: 1e3, hi: 1e7 };
  return { lo: 10 ** Math.floor(Math.log10(Math.min(...pos)) - 0.05), hi: 10 ** Math.ceil(Math.log10(Math.max(...pos)) + 0.05) };
}

/**
 * Accuracy (%) vs SynOps per sample (log x) for `which` measurement, one `<g class="series">` per strategy
 * present, a dashed vertical line at the dense ANN's MACs.
 */
export function tradeoffSvg(points: ReportPoint[], which: 'snn' | 'ann', annMacs: number, title: string): string {
  const W = 560, H = 360, L = 60, R = 16, T = 34, B = 48;
  const val = (p: ReportPoint) => (which === 'snn' ? p.snn : p.ann);
  const shown = points.filter((p) => val(p));
  const ax = logAxis([...shown.map((p) => val(p)!.totalSynops), annMacs]);
  const x = (v: number): number => L + ((Math.log10(v) - Math.log10(ax.lo)) / (Math.log10(ax.hi) - Math.log10(ax.lo))) * (W - L - R);
  const y = (acc: number): number => T + (1 - acc) * (H - T - B);
  const out: string[] = [];
  out.push(`<svg class="figure tradeoff" data-measure="${which}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`);
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" class="title">${esc(title)}</text>`);
  // Grid and axes.
  for (let k = Math.round(Math.log10(ax.lo)); k <= Math.round(Math.log10(ax.hi)); k++) {
    const xv = x(10 ** k);
    out.push(`<line x1="${n(xv)}" y1="${T}" x2="${n(xv)}" y2="${H - B}" class="grid"/><text x="${n(xv)}" y="${H - B + 16}" text-anchor="middle" class="tick">10^${k}</text>`);
    for (let m = 2; m < 10 && k < Math.round(Math.log10(ax.hi)); m++) out.push(`<line x1="${n(x(m * 10 ** k))}" y1="${H - B}" x2="${n(x(m * 10 ** k))}" y2="${H - B + 4}" class="axis"/>`);
  }
  for (let a = 0; a <= 1.0001; a += 0.2) out.push(`<line x1="${L}" y1="${n(y(a))}" x2="${W - R}" y2="${n(y(a))}" class="grid"/><text x="${L - 6}" y="${n(y(a) + 4)}" text-anchor="end" class="tick">${Math.round(a * 100)}</text>`);
  out.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" class="axis"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" class="axis"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle" class="label">${which === 'snn' ? 'simulated SynOps per sample' : 'ANN-proxy SynOps per sample'} (log)</text>`);
  out.push(`<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})" class="label">${which === 'snn' ? 'SNN' : 'ANN-Q'} accuracy (%)</text>`);
  // The dense ANN's MACs.
  out.push(`<g class="macs"><line x1="${n(x(annMacs))}" y1="${T}" x2="${n(x(annMacs))}" y2="${H - B}" stroke="#888" stroke-dasharray="2 3"/><text x="${n(x(annMacs) + 3)}" y="${H - B - 6}" class="tick">ANN MACs ${esc(fmtSynops(annMacs))}</text></g>`);
  // One series per strategy.
  const order: Strategy[] = ['scale', 'synops', 'synops-qrelu', 'baseline'];
  // The legend sits at the bottom right, above the MACs label: low SynOps go with low accuracy, so that corner
  // stays empty, where the top right holds the baseline.
  const present = order.filter((s) => shown.some((p) => p.strategy === s));
  let legendY = H - B - 20 - 14 * (present.length - 1);
  for (const s of order) {
    const pts = shown.filter((p) => p.strategy === s || (s === 'scale' && p.strategy === 'baseline' && !p.control && shown.some((q) => q.strategy === 'scale')));
    const own = shown.filter((p) => p.strategy === s);
    if (!own.length) continue;
    const st = STRATEGY_STYLE[s];
    const line = pts.map((p) => ({ p, v: val(p)! })).sort((a, b) => a.v.totalSynops - b.v.totalSynops);
    out.push(`<g class="series" data-strategy="${s}">`);
    if (line.length > 1 && s !== 'baseline') out.push(`<polyline fill="none" stroke="${st.color}" stroke-width="1.8"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''} points="${line.map(({ v }) => `${n(x(v.totalSynops))},${n(y(v.accuracy))}`).join(' ')}"/>`);
    for (const p of own) {
      const v = val(p)!;
      const shape = s === 'baseline'
        // The control is hollow: the baseline trained on, not a point of any curve.
        ? `<rect x="${n(x(v.totalSynops) - 5)}" y="${n(y(v.accuracy) - 5)}" width="10" height="10" ${p.control ? `fill="none" stroke="${st.color}" stroke-width="1.8"` : `fill="${st.color}"`}>`
        : `<circle cx="${n(x(v.totalSynops))}" cy="${n(y(v.accuracy))}" r="3.5" fill="${st.color}">`;
      out.push(`${shape}<title>${esc(`${label(p)}: ${(100 * v.accuracy).toFixed(1)} % at ${fmtSynops(v.totalSynops)} SynOps`)}</title>${s === 'baseline' ? '</rect>' : '</circle>'}`);
    }
    out.push(`<rect x="${W - R - 200}" y="${legendY - 7}" width="12" height="3" fill="${st.color}"/><text x="${W - R - 184}" y="${legendY - 2}" class="tick">${esc(st.name)}</text>`);
    legendY += 14;
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Grouped bars of SynOps per connection: the baseline and the best optimized model; the input connection hatched (fixed by the data). */
export function layersSvg(baseline: ReportPoint, best: ReportPoint | undefined, title: string): string {
  const W = 560, H = 320, L = 70, R = 16, T = 34, B = 60;
  const base = baseline.snn ?? baseline.ann;
  const opt = best ? best.snn ?? best.ann : undefined;
  const names = base.synopsPerLayer.map((l) => `${l.emitter}→${l.receiver}`);
  const maxV = Math.max(1, ...base.synopsPerLayer.map((l) => l.synops), ...(opt?.synopsPerLayer.map((l) => l.synops) ?? []));
  const step = 10 ** Math.floor(Math.log10(maxV));
  const top = Math.ceil(maxV / step) * step;
  const y = (v: number): number => T + (1 - v / top) * (H - T - B);
  const gw = (W - L - R) / Math.max(1, names.length);
  const out: string[] = [];
  out.push(`<svg class="figure layers" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`);
  out.push('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="2"/></pattern></defs>');
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" class="title">${esc(title)}</text>`);
  for (let k = 0; k <= 5; k++) {
    const v = (top * k) / 5;
    out.push(`<line x1="${L}" y1="${n(y(v))}" x2="${W - R}" y2="${n(y(v))}" class="grid"/><text x="${L - 6}" y="${n(y(v) + 4)}" text-anchor="end" class="tick">${esc(fmtSynops(v))}</text>`);
  }
  out.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" class="axis"/>`);
  const series: { key: string; m: typeof base; color: string }[] = [{ key: 'baseline', m: base, color: STRATEGY_STYLE.baseline.color }];
  if (opt) series.push({ key: 'best', m: opt, color: STRATEGY_STYLE['synops-qrelu'].color });
  const bw = (gw * 0.7) / series.length;
  names.forEach((nm, i) => {
    const gx = L + i * gw + gw * 0.15;
    const isInput = base.synopsPerLayer[i].emitter === 'input';
    series.forEach((s, j) => {
      const v = s.m.synopsPerLayer[i]?.synops ?? 0;
      out.push(`<rect class="bar" data-series="${s.key}" x="${n(gx + j * bw)}" y="${n(y(v))}" width="${n(bw - 2)}" height="${n(H - B - y(v))}" fill="${s.color}"${isInput ? ' fill-opacity="0.35"' : ''}><title>${esc(`${nm} ${s.key}: ${fmtSynops(v)}`)}</title></rect>`);
      if (isInput) out.push(`<rect x="${n(gx + j * bw)}" y="${n(y(v))}" width="${n(bw - 2)}" height="${n(H - B - y(v))}" fill="url(#hatch)"/>`);
    });
    out.push(`<text x="${n(L + (i + 0.5) * gw)}" y="${H - B + 16}" text-anchor="middle" class="tick">${esc(nm)}</text>`);
    if (isInput) out.push(`<text x="${n(L + (i + 0.5) * gw)}" y="${H - B + 30}" text-anchor="middle" class="tick">(fixed by the data)</text>`);
  });
  out.push(`<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})" class="label">SynOps per sample</text>`);
  series.forEach((s, j) => out.push(`<rect x="${W - R - 190}" y="${T + j * 14}" width="10" height="10" fill="${s.color}"/><text x="${W - R - 175}" y="${T + 9 + j * 14}" class="tick">${s.key === 'baseline' ? 'baseline' : `best: ${esc(label(best!))}`}</text>`));
  out.push('</svg>');
  return out.join('\n');
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1b1b;max-width:1200px}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
.figs{display:flex;flex-wrap:wrap;gap:16px}
svg.figure{border:1px solid #ddd;background:#fff;max-width:100%;height:auto}
svg .title{font-size:13px;font-weight:600}svg .tick{font-size:10px;fill:#444}svg .label{font-size:11px;fill:#222}
svg .grid{stroke:#eee}svg .axis{stroke:#555}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}
.note{color:#555;font-size:0.9em}.met{color:#1f7a3d}.unmet{color:#a33}`;

/** The whole report page. */
export function renderHtml(r: ReproduceReport): string {
  const s = r.summary;
  const baseline = r.points.find((p) => p.strategy === 'baseline');
  const best = s.best ? r.points[s.best.index] : undefined;
  // Without a point within the tolerance, the per-layer figure shows the most accurate SynOp+QReLU model.
  const shownBest = best ?? [...r.points].filter((p) => p.strategy === 'synops-qrelu' && p.snn).sort((a, b) => b.snn!.accuracy - a.snn!.accuracy)[0];
  const t = tableRows(r.points);
  const rows = t.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  const ord = s.ordering.map((o) => `<tr><td>${esc(fmtSynops(o.synops))}</td><td>${(100 * o.qrelu).toFixed(1)}</td><td>${o.synopLoss === null ? '–' : (100 * o.synopLoss).toFixed(1)}</td><td>${o.scale === null ? '–' : (100 * o.scale).toFixed(1)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SynOps reproduction: ${esc(s.dataset.data)}</title>
<style>${CSS}</style></head>
<body>
<h1>SynOps reproduction on ${esc(s.dataset.kind === 'synth' ? 'the synthetic DVS digits' : s.dataset.data)}</h1>
<p>Model: ${esc(s.dataset.model)}, input [${s.dataset.input.join(', ')}]${s.dataset.chunkEvents ? `, ${s.dataset.chunkEvents} events per sample` : ''}. ${esc(s.split.text)}.
Budget <b>${esc(r.budget.name)}</b>: ${esc(trainingText(r.budget))} (${esc(r.budget.note)}). Backend ${esc(s.backend)}; wall time ${(s.wallSeconds / 60).toFixed(1)} min.</p>
<p>Baseline SNN: ${(100 * s.baseline.snnAccuracy).toFixed(1)} % at ${esc(fmtSynops(s.baseline.snnSynops))} SynOps/sample (ANN-Q ${(100 * s.baseline.annAccuracy).toFixed(1)} % at ${esc(fmtSynops(s.baseline.annSynops))}); dense ANN ${esc(fmtSynops(s.annMacs))} MACs/sample.</p>
<p class="${s.criterion.met ? 'met' : 'unmet'}">${esc(s.criterion.text)}.</p>${s.outputGain ? `\n<p class="${s.outputGain.criterion.met ? 'met' : 'unmet'}">${esc(s.outputGain.criterion.text)}.</p>` : ''}
<p class="note">${esc(s.proxy.text)}.${s.conversion ? ` ${esc(s.conversion.text.charAt(0).toUpperCase() + s.conversion.text.slice(1))}.` : ''}${s.conversionGap ? ` ${esc(s.conversionGap.text.charAt(0).toUpperCase() + s.conversionGap.text.slice(1))}.` : ''} Ties (outputs with no single most-spiking class, silent outputs included) count as wrong.
Energy: ${esc(s.energyProfiles.snn)} ${s.energyProfiles.joulesPerSynOp.toExponential(2)} J/SynOp; ANN ${esc(s.energyProfiles.ann)} ${s.energyProfiles.joulesPerMac.toExponential(2)} J/MAC.</p>
<h2>Accuracy vs SynOps (Fig. 2 equivalent)</h2>
<div class="figs">
${tradeoffSvg(r.points, 'snn', s.annMacs, 'Spiking simulation, held-out split')}
${tradeoffSvg(r.points, 'ann', s.annMacs, 'ANN proxy (QReLU activations)')}
</div>
<h2>SynOps per layer</h2>
<div class="figs">
${baseline ? layersSvg(baseline, shownBest, best ? 'Baseline vs best SynOp+QReLU model within tolerance' : 'Baseline vs most accurate SynOp+QReLU model') : ''}
</div>
<h2>Every model</h2>
<table><thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Curve order at equal SynOps</h2>
<p class="note">SNN accuracy (%) of each strategy at the SynOps of each SynOp+QReLU model, interpolated linearly in log SynOps (– outside a curve's range). Paper order: SynOp+QReLU ≥ SynOp loss ≥ weight scaling${s.orderingHolds === null ? '' : s.orderingHolds ? ': holds here' : ': does not hold everywhere here'}.</p>
<table><thead><tr><th>SynOps</th><th>SynOp+QReLU</th><th>SynOp loss</th><th>weight scaling</th></tr></thead>
<tbody>
${ord}
</tbody></table>
<p class="note">Generated ${esc(r.createdAt)} by synops reproduce; data in report.json beside this file.</p>
</body></html>
`;
}


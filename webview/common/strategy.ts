/** Names of the ways to cut SynOps, shared by the trade-off view and the training monitor. */
import type { Strategy, TradeoffPoint } from '../../src/protocol/views';
import { formatCountShort } from '../../src/protocol/format';

/** Series order on the chart and in the table, with their names as the paper gives them. */
export const STRATEGIES: ReadonlyArray<{ id: Strategy; name: string }> = [
  { id: 'weight-scaling', name: 'Weight scaling' },
  { id: 'synop-loss', name: 'SynOp loss' },
  { id: 'synop-loss-qrelu', name: 'SynOp loss + QReLU' },
  { id: 'baseline', name: 'Baseline' },
];

export function strategyName(s: Strategy): string {
  return STRATEGIES.find((x) => x.id === s)?.name ?? s;
}

/** `S₀ = 1.2 M` for a SynOp-loss target, `ρ = 0.5` for weight scaling, empty otherwise. */
export function targetText(p: TradeoffPoint): string {
  if (p.target !== undefined) return `S₀ = ${formatCountShort(p.target)}`;
  if (p.rho !== undefined) return `ρ = ${Number(p.rho.toPrecision(3))}`;
  return '';
}

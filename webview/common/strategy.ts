/** Names of the ways to cut SynOps, shared by the trade-off view and the training monitor. */
import type { TradeoffPoint } from '../../src/protocol/views';
import { formatCountShort } from '../../src/protocol/format';
import { STRATEGY_TABLE, strategyLabel, type Strategy } from '../../src/protocol/strategy';

/** Series order on the chart and in the table, with their names as the paper gives them (the protocol's one table). */
export const STRATEGIES: ReadonlyArray<{ id: Strategy; name: string }> = STRATEGY_TABLE.map((s) => ({ id: s.name, name: s.label }));

export function strategyName(s: Strategy): string {
  return strategyLabel(s);
}

/** `S₀ = 1.2 M` for a SynOp-loss target, `ρ = 0.5` for weight scaling, empty otherwise. */
export function targetText(p: TradeoffPoint): string {
  if (p.target !== undefined) return `S₀ = ${formatCountShort(p.target)}`;
  if (p.rho !== undefined) return `ρ = ${Number(p.rho.toPrecision(3))}`;
  return '';
}

/**
 * Plain words for the energy figures, shared by the report views and the code lenses: what an energy
 * ratio means, and what a profile's energy leaves out.
 */
import type { NeuromorphicProfile } from './report';
import { formatEnergy } from './format';

const threeDigits = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/**
 * `snnJ ÷ annJ` read out: "The spiking network would use 317 times the ANN's energy (Loihi vs ANN, 45 nm,
 * fp32)." Below 1 it also says how many times less: "0.2 times …, i.e. 5× less". Empty without a ratio.
 */
export function energyRatioWords(snnJ: number | undefined, annJ: number | undefined, snnName: string, annName: string): string {
  if (snnJ === undefined || annJ === undefined || !(annJ > 0) || !Number.isFinite(snnJ)) return '';
  const r = snnJ / annJ;
  const on = `(${snnName} vs the ANN on ${annName})`;
  if (r === 0) return `The spiking network would use no energy for SynOps ${on}.`;
  const times = threeDigits.format(r);
  if (times === '1') return `The spiking network would use about the same energy as the ANN ${on}.`;
  if (r > 1) return `The spiking network would use ${times} times the ANN's energy ${on}.`;
  return `The spiking network would use ${times} times the ANN's energy, i.e. ${threeDigits.format(1 / r)}× less ${on}.`;
}

/**
 * What a neuromorphic profile's energy does not count: the energy is SynOps × J per SynOp only, so a
 * profile that also quotes a cost per neuron update says that this cost is left out. Empty otherwise.
 */
export function neuronUpdateNote(p: Pick<NeuromorphicProfile, 'name' | 'joulesPerSynOp' | 'joulesPerNeuronUpdate'> | undefined): string {
  if (p?.joulesPerNeuronUpdate === undefined) return '';
  return `${p.name} also quotes ${formatEnergy(p.joulesPerNeuronUpdate)} per neuron update; this energy counts SynOps only (${formatEnergy(p.joulesPerSynOp)} each), not neuron updates.`;
}

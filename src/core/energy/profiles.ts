/**
 * Energy per operation of neuromorphic chips and of conventional ANN hardware, each with its source.
 * Figures as collected in the project's energy notes (Sorbaro et al. 2020 and the papers it and
 * KerasSpiking cite). Energies in joules per operation.
 */
import type { AnnProfile, EnergyProfile, NeuromorphicProfile } from '../../protocol/report';

export type { AnnProfile, EnergyProfile, NeuromorphicProfile };

export const BUILTIN_PROFILES: readonly EnergyProfile[] = [
  { id: 'paper-generic', name: 'Paper default (neuromorphic, generic)', kind: 'snn', joulesPerSynOp: 1e-11,
    source: 'Order of magnitude from Indiveri & Sandamirskaya 2019, as cited by Sorbaro et al. 2020' },
  { id: 'loihi', name: 'Loihi', kind: 'snn', joulesPerSynOp: 23.6e-12, joulesPerNeuronUpdate: 81e-12,
    source: 'Davies et al. 2018, IEEE Micro (pre-silicon table): 23.6 pJ per synaptic spike op, 81 pJ per neuron update' },
  { id: 'truenorth', name: 'TrueNorth', kind: 'snn', joulesPerSynOp: 26e-12,
    source: 'Merolla et al. 2014, Science: 26 pJ per synaptic event' },
  { id: 'spinnaker1', name: 'SpiNNaker 1', kind: 'snn', joulesPerSynOp: 13.3e-9, joulesPerNeuronUpdate: 26e-9,
    source: 'Höppner et al. 2019 (arXiv:1903.08941), via KerasSpiking' },
  { id: 'spinnaker2', name: 'SpiNNaker 2 (28 nm prototype)', kind: 'snn', joulesPerSynOp: 450e-12, joulesPerNeuronUpdate: 2.19e-9,
    source: 'Höppner et al. 2019 (arXiv:1903.08941), via KerasSpiking' },
  { id: 'ann-45nm-fp32', name: 'ANN, 45 nm, fp32', kind: 'ann', joulesPerMac: 4.6e-12,
    source: 'Horowitz, ISSCC 2014: MAC 4.6 pJ (mult 3.7 + add 0.9)' },
  { id: 'ann-45nm-fp16', name: 'ANN, 45 nm, fp16', kind: 'ann', joulesPerMac: 1.5e-12,
    source: 'Horowitz, ISSCC 2014: MAC 1.5 pJ (mult 1.1 + add 0.4)' },
  { id: 'ann-45nm-int8', name: 'ANN, 45 nm, int8', kind: 'ann', joulesPerMac: 0.23e-12,
    source: 'Horowitz, ISSCC 2014: MAC 0.23 pJ (mult 0.2 + add 0.03)' },
  { id: 'ann-cpu', name: 'CPU per ANN op', kind: 'ann', joulesPerMac: 8.6e-9, source: 'Degnan 2015, via KerasSpiking' },
  { id: 'ann-gpu', name: 'GPU per ANN op', kind: 'ann', joulesPerMac: 0.3e-9, source: 'Degnan 2015, via KerasSpiking' },
  { id: 'ann-arm', name: 'ARM per ANN op', kind: 'ann', joulesPerMac: 0.9e-9, source: 'Degnan 2015, via KerasSpiking' },
];

export const DEFAULT_SNN_PROFILE = 'paper-generic';
export const DEFAULT_ANN_PROFILE = 'ann-45nm-fp32';

/**
 * Checks user-defined profiles (from settings) and returns them with the built-in ones; a user profile
 * with a built-in id replaces it. Throws with the offending entry's position on a malformed one.
 */
export function mergeProfiles(user: unknown, where = 'synops.energyProfiles'): EnergyProfile[] {
  const merged = new Map(BUILTIN_PROFILES.map((p) => [p.id, p] as const));
  if (user === undefined || user === null) return [...merged.values()];
  if (!Array.isArray(user)) throw new Error(`${where} must be an array of profiles`);
  user.forEach((raw: Record<string, unknown>, i) => {
    const at = `${where}[${i}]`;
    if (!raw || typeof raw !== 'object') throw new Error(`${at} must be an object`);
    if (typeof raw.id !== 'string' || !raw.id) throw new Error(`${at}: "id" must be a non-empty string`);
    const name = typeof raw.name === 'string' && raw.name ? raw.name : raw.id;
    const source = typeof raw.source === 'string' && raw.source ? raw.source : 'user-defined (no source given)';
    const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
    if (positive(raw.joulesPerSynOp)) {
      const upd = positive(raw.joulesPerNeuronUpdate) ? raw.joulesPerNeuronUpdate : undefined;
      merged.set(raw.id, { id: raw.id, name, kind: 'snn', joulesPerSynOp: raw.joulesPerSynOp, joulesPerNeuronUpdate: upd, source });
    } else if (positive(raw.joulesPerMac)) {
      merged.set(raw.id, { id: raw.id, name, kind: 'ann', joulesPerMac: raw.joulesPerMac, source });
    } else {
      throw new Error(`${at} ("${raw.id}"): give "joulesPerSynOp" (a neuromorphic chip) or "joulesPerMac" (ANN hardware) as a positive number of joules, e.g. 2.36e-11`);
    }
  });
  return [...merged.values()];
}

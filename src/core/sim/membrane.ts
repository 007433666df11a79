/**
 * Initial membrane potentials of a run (`SimOptions.initialMembrane`), checked against the plan and the
 * neuron settings and spread to one value per neuron.
 *
 * Maths. Every spiking layer `l` starts each sample with `v_l(−1) = v0_l` instead of 0, then steps as
 * `neuron.ts` says: `v ← v + I_t`, fire, reset, bound. `v0_l` is one number for the whole layer, or one
 * value per channel: neuron `(c, y, x)` of a `[C, H, W]` layer (or feature `c` of a flat `[F]` layer)
 * starts at `v0_l[c]`. Uses: QCFS conversion starts every neuron at θ/2 (`{ r1: 0.5 }` with θ = 1), which
 * turns the floor of the converted ReLU into a rounding; calibration (Li et al. 2021) sets a per-channel
 * start from data. Units: threshold units, like `v` and θ.
 *
 * Why `v0 < θ` is required. A neuron whose `v0` would fire with no input (`v0 ≥ θ`, or `trunc(v0/θ) ≥ 1` for
 * multi-spike) would spike at step 0 although nothing reached it; the event-driven engine updates only
 * neurons that receive a current (or that a previous step left above threshold), so it could not honour
 * that, and such a value is refused. Below θ a neuron without input never fires, in every mode: with no
 * input `v` stays `v0` (multi- or single-spike, subtract or zero reset alike), so skipping it is exact.
 *
 * The lower bound `m` (`minVMem`) is applied after each step, as before; `v0` itself is not bounded. A
 * neuron without input at step 0 therefore goes from `v0` to `relu(v0 − m) + m`, which is not always `v0`
 * (below `m` it is raised; above, `(v0 − m) + m` may differ in the last bit). The event-driven engine
 * updates those neurons at step 0 (`IafLayer.resetState`); from then on `v` is a bounded value and
 * bounding it again changes nothing.
 */
import { firesWithoutInput, type NeuronParams } from './neuron';
import type { NetworkPlan } from './network';

/** `SimOptions.initialMembrane`: by spiking layer name, one value for the layer or one per channel. */
export type InitialMembrane = Record<string, number | ArrayLike<number>>;

/**
 * The initial membrane potential of every neuron of each spiking layer of `plan` (in `plan.segments`
 * order), channels-first row-major, or null for a layer that starts at 0. Throws an error that names the
 * layer and the value for an unknown layer, a value that is not finite or would fire with no input, or a
 * per-channel array of the wrong length.
 */
export function initialMembranes(plan: NetworkPlan, spec: InitialMembrane | undefined, p: NeuronParams): (Float64Array | null)[] {
  const out: (Float64Array | null)[] = plan.segments.map(() => null);
  if (spec === undefined) return out;
  const names = plan.segments.map((s) => s.spiking.name);
  for (const [name, value] of Object.entries(spec)) {
    const slot = names.indexOf(name);
    if (slot < 0) {
      throw new Error(`initialMembrane names "${name}", which is not a spiking layer of the network; the spiking layers are ${names.map((n) => `"${n}"`).join(', ') || '(none)'}`);
    }
    const { shape, size } = plan.segments[slot].spiking;
    const channels = shape[0];
    const per = size / channels;
    const v0 = new Float64Array(size);
    if (typeof value === 'number') {
      checkValue(name, value, '', p);
      v0.fill(value);
    } else if (value !== null && typeof value === 'object' && typeof value.length === 'number') {
      if (value.length !== channels) {
        throw new Error(`initialMembrane of layer "${name}" has ${value.length} values, the layer has ${channels} ${shape.length === 3 ? 'channels' : 'features'} (shape [${shape.join(', ')}]); give one number, or one value per ${shape.length === 3 ? 'channel' : 'feature'}`);
      }
      for (let c = 0; c < channels; c++) {
        checkValue(name, value[c], ` at ${shape.length === 3 ? 'channel' : 'feature'} ${c}`, p);
        v0.fill(value[c], c * per, (c + 1) * per);
      }
    } else {
      throw new Error(`initialMembrane of layer "${name}" is ${String(value)}; give one number, or an array of one value per channel`);
    }
    out[slot] = v0;
  }
  return out;
}

function checkValue(name: string, v: number, where: string, p: NeuronParams): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`initialMembrane of layer "${name}" is ${String(v)}${where}; it must be a finite number`);
  if (v >= p.threshold || firesWithoutInput(new Float64Array([v]), 0, p)) {
    throw new Error(`initialMembrane of layer "${name}" is ${v}${where}, not below the threshold ${p.threshold}: a neuron starting at or above ` +
      'threshold would fire with no input, which the event-driven engine (it skips neurons without input) cannot honour; use a value below the threshold');
  }
}

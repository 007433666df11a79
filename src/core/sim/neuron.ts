/**
 * The non-leaky integrate-and-fire neuron of the spiking simulation, as Sinabs' `IAF` layers run it
 * (`sinabs/layers/functional/lif.py`, `lif_forward_single` with `alpha_mem = 1`, no synaptic current):
 *
 *   1. integrate:  `v ← v + I`            (I = weighted input spikes of this step, plus bias)
 *   2. fire:       multi-spike `n = (v > 0) · trunc(v / θ)`  (Sinabs `MultiSpike`, several spikes per step)
 *                  single-spike `n = (v − θ ≥ 0) ? 1 : 0`    (Sinabs `SingleSpike`, as the chip does)
 *   3. reset:      subtract `v ← v − n·θ` (Sinabs `MembraneSubtract`) or to zero `v ← n > 0 ? 0 : v`
 *                  (`MembraneReset(reset_value=0)`)
 *   4. lower bound (only when `minVMem` is set): `v ← relu(v − m) + m`, after the reset, written exactly as
 *      Sinabs writes it; in floating point `(v − m) + m` is not always `v`, so a plain `max(v, m)` would differ
 *      in the last bit. Applying it again to its own result changes nothing, which is what lets the
 *      event-driven engine skip neurons that receive no input.
 *
 * Units: `v`, `I` and `θ` are in threshold units (θ = 1 by default); `n` counts spikes per step.
 * State `v` starts each sample at `v0`: 0 unless `SimOptions.initialMembrane` sets it (per layer or per
 * channel, `membrane.ts`), always below θ, so a neuron that gets no input does not fire: `v` stays `v0`, or
 * with a lower bound becomes `relu(v0 − m) + m` at step 0 and stays there (should that rounding reach θ,
 * it fires from step 1 on, like any neuron left above threshold).
 */
export interface NeuronParams {
  /** Spike threshold θ (> 0). */
  threshold: number;
  /** `multi`: ⌊v/θ⌋ spikes per step when v > 0; `single`: at most one spike per step. */
  spike: 'multi' | 'single';
  /** `subtract`: v − n·θ; `zero`: v = 0 after any spike. */
  reset: 'subtract' | 'zero';
  /** Lower bound of v after the reset, or null for none (Sinabs `min_v_mem`). */
  minVMem: number | null;
}

/** Sinabs' `from_model` spiking layer as the paper's MNIST-DVS code uses it (no lower bound). */
export const DEFAULT_NEURON: NeuronParams = { threshold: 1, spike: 'multi', reset: 'subtract', minVMem: null };

/** Fills in defaults and rejects impossible values. */
export function neuronParams(p: Partial<NeuronParams> = {}): NeuronParams {
  const out = { ...DEFAULT_NEURON, ...p };
  if (!(out.threshold > 0) || !Number.isFinite(out.threshold)) throw new Error(`neuron threshold must be a positive number, got ${out.threshold}`);
  if (out.minVMem !== null && !Number.isFinite(out.minVMem)) throw new Error(`minVMem must be a finite number or null, got ${out.minVMem}`);
  if (out.spike !== 'multi' && out.spike !== 'single') throw new Error(`spike must be "multi" or "single", got ${String(out.spike)}`);
  if (out.reset !== 'subtract' && out.reset !== 'zero') throw new Error(`reset must be "subtract" or "zero", got ${String(out.reset)}`);
  return out;
}

/**
 * One time step of neuron `i`: integrates `input` into `v[i]`, fires, resets, bounds (steps 1–4 above).
 * Returns the number of spikes emitted; `v[i]` holds the new membrane potential. Pure apart from `v[i]`.
 */
export function stepNeuron(v: Float64Array, i: number, input: number, p: NeuronParams): number {
  let vm = v[i] + input;
  const th = p.threshold;
  let n: number;
  if (p.spike === 'multi') n = vm > 0 ? Math.trunc(vm / th) : 0;
  else n = vm - th >= 0 ? 1 : 0;
  if (n > 0) vm = p.reset === 'subtract' ? vm - n * th : 0;
  if (p.minVMem !== null) {
    const d = vm - p.minVMem;
    vm = (d > 0 ? d : 0) + p.minVMem;
  }
  v[i] = vm;
  return n;
}

/** Whether neuron `i` would fire with no input this step (possible after a single-spike or zero-input step). */
export function firesWithoutInput(v: Float64Array, i: number, p: NeuronParams): boolean {
  return p.spike === 'multi' ? v[i] > 0 && Math.trunc(v[i] / p.threshold) >= 1 : v[i] - p.threshold >= 0;
}

/** The pure-function view of `stepNeuron`: `(v, I) → (n, v')`. */
export function iafStep(v: number, input: number, p: NeuronParams = DEFAULT_NEURON): { spikes: number; v: number } {
  const state = new Float64Array([v]);
  const spikes = stepNeuron(state, 0, input, p);
  return { spikes, v: state[0] };
}

/** The spike and reset rules a model file states (`conversion.spike`, `conversion.reset`); the rest default. */
export function modelNeuron(model: { conversion?: { spike?: NeuronParams['spike']; reset?: NeuronParams['reset'] } }): Partial<NeuronParams> {
  const c = model.conversion;
  return { ...(c?.spike ? { spike: c.spike } : {}), ...(c?.reset ? { reset: c.reset } : {}) };
}

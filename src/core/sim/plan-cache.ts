/**
 * The plans of the event-driven engine's recent calls (`simulateEvents`), so that a call with the same model
 * and weights reuses the weight layouts and buffers of the last.
 */
import type { ModelFile } from '../model/types';
import { planNetwork, type NetworkPlan } from './network';
import type { ModelWeights } from './weights';

/**
 * Plans of recent `simulateEvents` calls, by weights object: a call with the same model and weights (same
 * structure, same values — compared bit for bit with a copy taken when the plan was made, so an in-place
 * change is noticed) reuses the plan and with it the weight layouts and buffers. Held weakly: dropped with
 * the weights.
 */
const planCache = new WeakMap<ModelWeights, { key: string; copy: Float32Array[]; plan: NetworkPlan }>();

export function cachedPlan(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'>, weights: ModelWeights): NetworkPlan {
  const names = Object.keys(weights).sort();
  const arrays = names.flatMap((name) => [weights[name].weight, weights[name].bias ?? new Float32Array(0)]);
  const key = JSON.stringify([model.input.shape, model.layers, model.spikingOutput ?? false, names.map((n) => weights[n].shape)]);
  const hit = planCache.get(weights);
  if (hit && hit.key === key && hit.copy.length === arrays.length && arrays.every((a, i) => sameBits(a, hit.copy[i]))) return hit.plan;
  const plan = planNetwork(model, weights);
  planCache.set(weights, { key, copy: arrays.map((a) => a.slice()), plan });
  return plan;
}

/** Whether two float32 arrays hold the same bits (so NaN equals NaN, and 0 differs from −0). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  // Node's Buffer compares with memcmp, ~10× faster than the loop (0.15 vs 1.9 ms for the CIFAR net's 1.4 M weights).
  if (typeof Buffer !== 'undefined') return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const x = new Int32Array(a.buffer, a.byteOffset, a.length), y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BUILTIN_PROFILES, DEFAULT_SNN_PROFILE } from '../core/energy/profiles';
import { parseModel } from '../core/model/parse';
import type { ModelFile } from '../core/model/types';
import { simulateDense } from '../core/sim/dense-engine';
import { simulateEvents } from '../core/sim/event-engine';
import { binEvents, imageInput, type SpikeInput } from '../core/sim/input';
import type { NeuronParams } from '../core/sim/neuron';
import type { SimResult } from '../core/sim/result';
import { readTfjsWeights } from '../core/sim/tfjs-weights';
import type { ModelWeights } from '../core/sim/weights';
import { modelHash, resultPathFor, type SimulationResultFile } from '../core/synops/result';
import { formatCount, formatEnergy } from '../protocol/format';
import { table } from './table';

export const SIMULATE_USAGE = `  simulate <model.snn.json> --weights <model.json> --input <file> [--index N] [--chunk 3000] [--dt-ms 1]
           [--steps 10] [--engine event|dense] [--single-spike] [--min-v-mem V] [--save] [--json]
      spiking simulation of one sample: per-layer spikes, SynOps, energy, class. Inputs: N-MNIST .bin
      (5-byte events, chunk N of --chunk events), CIFAR-10 binary batch (record N), or a Sinabs reference
      fixture .json (its events or image; its weights when --weights is not given). --save writes
      .synops/results/<model>.sim.json next to the model`;

/** One N-MNIST record: 5 bytes, x, y, polarity (bit 7 of byte 2), 23-bit big-endian timestamp in µs. */
export function readNmnist(bytes: Uint8Array): { x: number[]; y: number[]; t: number[]; p: number[] } {
  if (bytes.length % 5 !== 0) throw new Error(`an N-MNIST .bin has 5-byte events, this file has ${bytes.length} bytes`);
  const x: number[] = []; const y: number[] = []; const t: number[] = []; const p: number[] = [];
  for (let i = 0; i < bytes.length; i += 5) {
    x.push(bytes[i]); y.push(bytes[i + 1]); p.push(bytes[i + 2] >> 7);
    t.push(((bytes[i + 2] & 0x7f) << 16) | (bytes[i + 3] << 8) | bytes[i + 4]);
  }
  return { x, y, t, p };
}

/** Record `index` of a CIFAR-10 binary batch: label and the `[3, 32, 32]` pixels normalised as the model asks. */
export function readCifarRecord(bytes: Uint8Array, index: number, normalize: 'unit' | 'symmetric' = 'symmetric'): { label: number; pixels: Float32Array } {
  const n = bytes.length / 3073;
  if (!Number.isInteger(n)) throw new Error(`a CIFAR-10 binary batch has 3073-byte records, this file has ${bytes.length} bytes`);
  if (!(index >= 0 && index < n)) throw new Error(`--index ${index} is out of range; the batch has ${n} images`);
  const rec = bytes.subarray(index * 3073, (index + 1) * 3073);
  const pixels = new Float32Array(3072);
  for (let i = 0; i < 3072; i++) {
    const u = Math.fround(rec[1 + i] / 255);
    pixels[i] = normalize === 'symmetric' ? Math.fround(Math.fround(u - 0.5) / 0.5) : u;
  }
  return { label: rec[0], pixels };
}

interface Flags { weights?: string; input?: string; index: number; chunk: number; dtMs?: number; steps?: number; engine?: 'event' | 'dense'; json: boolean; save: boolean; neuron: Partial<NeuronParams> }

function parseArgs(args: string[]): { model: string; flags: Flags } | string {
  const flags: Flags = { index: 0, chunk: 3000, json: false, save: false, neuron: {} };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => { const v = args[++i]; if (v === undefined) throw new Error(`${a} needs a value`); return v; };
    const num = (): number => { const v = Number(value()); if (!Number.isFinite(v)) throw new Error(`${a} needs a number`); return v; };
    try {
      switch (a) {
        case '--weights': flags.weights = value(); break;
        case '--input': flags.input = value(); break;
        case '--index': flags.index = num(); break;
        case '--chunk': flags.chunk = num(); break;
        case '--dt-ms': flags.dtMs = num(); break;
        case '--steps': flags.steps = num(); break;
        case '--engine': { const e = value(); if (e !== 'event' && e !== 'dense') return '--engine is event or dense'; flags.engine = e; break; }
        case '--single-spike': flags.neuron.spike = 'single'; break;
        case '--min-v-mem': flags.neuron.minVMem = num(); break;
        case '--json': flags.json = true; break;
        case '--save': flags.save = true; break;
        default:
          if (a.startsWith('--')) return `unknown option ${a}`;
          positional.push(a);
      }
    } catch (e) { return (e as Error).message; }
  }
  if (positional.length !== 1) return 'give exactly one model file';
  if (!flags.input) return '--input is required';
  return { model: positional[0], flags };
}

/** Reads the input file as the model's input, and the fixture's weights if it is a Sinabs fixture. */
function readInput(model: ModelFile, f: Flags): { input: SpikeInput; weights?: ModelWeights; note: string; neuron?: Partial<NeuronParams> } {
  const file = f.input!;
  const bytes = new Uint8Array(readFileSync(file));
  const shape = model.input.shape;
  if (file.endsWith('.json')) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const json: any = JSON.parse(new TextDecoder().decode(bytes));
    if (!json.snn || !json.settings) throw new Error(`${file} is not a Sinabs reference fixture (no "snn" and "settings")`);
    const conv: string = json.settings.conversion ?? '';
    const neuron: Partial<NeuronParams> = { minVMem: /min_v_mem=(-?[\d.]+)/.test(conv) ? Number(/min_v_mem=(-?[\d.]+)/.exec(conv)![1]) : null, spike: /SingleSpike/.test(conv) ? 'single' : 'multi' };
    const entries = Array.isArray(json.weights) ? json.weights : json.weights?.layers ?? [];
    const bin = Array.isArray(json.weights) || !json.weights ? undefined : readFileSync(join(dirname(file), json.weights.file));
    const names = model.layers.filter((l) => l.type === 'conv2d' || l.type === 'linear').map((l) => l.name);
    const weights: ModelWeights = {};
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    entries.forEach((w: any, i: number) => {
      const data = w.data ? Float32Array.from(w.data) : new Float32Array(new Uint8Array(bin!.subarray(4 * w.offset_elements, 4 * (w.offset_elements + w.n_elements))).buffer);
      if (names[i]) weights[names[i]] = { shape: w.shape, weight: data };
    });
    if (json.events) {
      const e = json.events;
      const steps = f.steps ?? json.settings.T_bins;
      return { input: binEvents({ x: e.x, y: e.y, t: e.t_ms.map((t: number) => t * 1000) }, shape, { dtMs: f.dtMs ?? 1, steps, t0: 0 }), weights, neuron, note: `fixture events (${e.x.length})` };
    }
    return { input: imageInput(json.image_normalised, shape, f.steps ?? 10), weights, neuron, note: 'fixture image' };
  }
  if (model.input.kind === 'image') {
    const { label, pixels } = readCifarRecord(bytes, f.index, model.input.normalize ?? 'symmetric');
    return { input: imageInput(pixels, shape, f.steps ?? model.input.steps), note: `CIFAR-10 record ${f.index} (label ${label})` };
  }
  const ev = readNmnist(bytes);
  const start = f.index * f.chunk;
  if (start >= ev.x.length) throw new Error(`--index ${f.index} is past the last chunk; the file has ${ev.x.length} events (${Math.ceil(ev.x.length / f.chunk)} chunks of ${f.chunk})`);
  const cut = <T>(a: T[]): T[] => a.slice(start, start + f.chunk);
  const chunk = { x: cut(ev.x), y: cut(ev.y), t: cut(ev.t), p: cut(ev.p) };
  return { input: binEvents(chunk, shape, { dtMs: f.dtMs ?? model.input.dtMs, sensor: model.input.sensor ?? [34, 34], steps: f.steps }), note: `N-MNIST events ${start}..${start + chunk.x.length - 1}` };
}

/** `synops simulate`: exit 0 ok, 1 bad input, 2 usage. */
export async function runSimulate(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') { console.error(`synops simulate: ${parsed}\n${SIMULATE_USAGE}`); return 2; }
  const { model: modelPath, flags } = parsed;
  try {
    const pm = parseModel(readFileSync(modelPath, 'utf8'), modelPath);
    if (!pm.model) { for (const d of pm.diagnostics) console.error(`${modelPath}:${d.range.start.line + 1}: ${d.message}`); return 1; }
    const model = pm.model;
    const inp = readInput(model, flags);
    let weights = inp.weights;
    if (flags.weights) {
      const folder = dirname(flags.weights);
      weights = await readTfjsWeights(readFileSync(flags.weights, 'utf8'), model, async (rel) => new Uint8Array(readFileSync(join(folder, rel))));
    }
    if (!weights) { console.error('synops simulate: --weights <model.json> is required for this input'); return 2; }
    const neuron = { ...inp.neuron, ...flags.neuron };
    const engine = flags.engine ?? (model.input.kind === 'events' ? 'event' : 'dense');
    const t0 = performance.now();
    let result: SimResult;
    if (engine === 'dense') {
      await import('@tensorflow/tfjs-backend-wasm');
      await tf.setBackend('wasm');
      await tf.ready();
      result = await simulateDense(model, weights, inp.input, { neuron });
    } else result = simulateEvents(model, weights, inp.input, { neuron });
    const ms = performance.now() - t0;
    const profileId = model.energy?.profile ?? DEFAULT_SNN_PROFILE;
    const profile = BUILTIN_PROFILES.find((p) => p.id === profileId) ?? BUILTIN_PROFILES.find((p) => p.id === DEFAULT_SNN_PROFILE)!;
    const jPerSynOp = (profile as { joulesPerSynOp?: number }).joulesPerSynOp ?? 0;
    if (flags.save) {
      const file = resultPathFor(modelPath);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(toResultFile(model, result, `${inp.note}, ${engine} engine, ${JSON.stringify(neuron)}`), null, 2));
    }
    if (flags.json) {
      console.log(JSON.stringify({
        engine, ms, steps: result.steps, input: inp.note,
        layers: result.layers.map((l) => ({ index: l.index, name: l.name, shape: l.shape, spikes: l.total, perStep: [...l.perStep] })),
        synops: result.synops, totalSynops: result.totalSynops, energyJ: result.totalSynops * jPerSynOp,
        output: { values: [...result.output.values], predicted: result.output.predicted, ties: result.output.ties },
      }, null, 2));
      return 0;
    }
    const rows = result.layers.map((l) => [l.name, l.shape.join('×'), formatCount(l.size), formatCount(l.total), (l.total / l.size).toFixed(3)]);
    console.log(`${model.name}: ${inp.note}, ${result.steps} steps, ${engine} engine, ${ms.toFixed(1)} ms`);
    console.log(table(['spiking layer', 'shape', 'neurons', 'spikes', 'spikes/neuron'], rows, [false, false, true, true, true]));
    console.log('');
    console.log(table(['receiving layer', 'from', 'SynOps', 'energy'], [
      ...result.synops.map((s) => [s.receiverName, s.emitterName, formatCount(s.synops), formatEnergy(s.synops * jPerSynOp)]),
      ['total', '', formatCount(result.totalSynops), formatEnergy(result.totalSynops * jPerSynOp)],
    ], [false, false, true, true]));
    const ties = result.output.ties.length > 1 ? ` (tie between ${result.output.ties.join(', ')})` : '';
    console.log(`\noutput [${[...result.output.values].join(', ')}] → class ${result.output.predicted}${ties}`);
    console.log(`energy: ${profile.name} (${jPerSynOp} J per SynOp)`);
    return 0;
  } catch (e) {
    console.error(`synops simulate: ${(e as Error).message}`);
    return 1;
  }
}

/** A one-sample `SimulationResultFile` for the model's `.synops/results/` file. */
export function toResultFile(model: ModelFile, r: SimResult, source: string): SimulationResultFile {
  return {
    kind: 'synops-simulation', version: 1, modelHash: modelHash(model), modelName: model.name, samples: 1, source,
    createdAt: new Date().toISOString(),
    layers: model.layers.map((l, i) => ({
      name: l.name,
      spikesPerSample: r.layers.find((x) => x.index === i)?.total,
      synopsPerSample: r.synops.find((s) => s.receiver === i)?.synops,
    })),
  };
}

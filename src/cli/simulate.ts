import * as tf from '@tensorflow/tfjs-core';
import { cifarCount, readCifarRecord } from '../core/data/cifar';
import { readEventChunk } from '../core/data/detect';
import { BUILTIN_PROFILES, DEFAULT_SNN_PROFILE } from '../core/energy/profiles';
import { MAX_CHUNK_EVENTS, MAX_DT_MS, MAX_STEPS, MIN_DT_MS } from '../core/model/limits';
import { fittingSide } from '../core/model/parse';
import { diagnosticLine } from '../io/model/read';
import { nirDiagnosticLine, readModelOrNir } from '../io/nir/load';
import type { ModelFile } from '../core/model/types';
import { simulateDense } from '../core/sim/dense-engine';
import { defaultEngine } from '../core/sim/engines';
import { simulateEvents } from '../core/sim/event-engine';
import { binEvents, imageInput, type SpikeInput } from '../core/sim/input';
import type { NeuronParams } from '../core/sim/neuron';
import type { SimResult } from '../core/sim/result';
import { loadFixture, weightsFor } from '../io/sim/sinabs-fixture';
import { checkFinite, readTfjsWeightsFile } from '../io/sim/tfjs-weights';
import { checkWeights } from '../core/sim/weights';
import { layerStats } from '../core/model/shapes';
import type { ModelWeights } from '../core/sim/weights';
import { measuredBySimulation, simulationResultFile } from '../core/synops/result';
import { writeSimulationResult } from '../io/sim/resultFile';
import { formatCount, formatEnergy } from '../protocol/format';
import { usageError } from './args';
import { CliError, describeFault, withFaults } from './errors';
import { table } from './table';
import { neuroBenchReport } from '../core/energy/neurobench';
import { renderNeuroBench } from './neurobench';
import { fileSource } from '../io/data/files';

export const SIMULATE_USAGE = `  simulate <model.snn.json | graph.nir> --weights <model.json> --input <file> [--index N] [--chunk 3000] [--dt-ms 1]
           [--steps 10] [--engine event|dense] [--single-spike] [--min-v-mem V] [--save] [--json]
      spiking simulation of one sample: per-layer spikes, SynOps, energy, class. Inputs: an event file
      (AEDAT 2.0/4.0, N-MNIST .bin, Prophesee; chunk N of --chunk events), a CIFAR-10 batch (record N), or a Sinabs reference
      fixture .json (its events or image; its weights when --weights is not given). A .nir graph brings its
      own weights and neuron settings. --save writes
      .synops/results/<model>.sim.json next to the model`;

/** Pixels of image `index` of a CIFAR-10 batch as float32 `[3, 32, 32]`, normalised as the model asks. */
export function cifarPixels(images: Uint8Array, index: number, normalize: 'unit' | 'symmetric' = 'symmetric'): Float32Array {
  const pixels = new Float32Array(3072);
  for (let i = 0; i < 3072; i++) {
    const u = Math.fround(images[index * 3072 + i] / 255);
    pixels[i] = normalize === 'symmetric' ? Math.fround(Math.fround(u - 0.5) / 0.5) : u;
  }
  return pixels;
}

interface Flags { weights?: string; input?: string; index: number; chunk: number; dtMs?: number; steps?: number; engine?: 'event' | 'dense'; json: boolean; save: boolean; neuron: Partial<NeuronParams> }

function parseArgs(args: string[]): { model: string; flags: Flags } | string {
  const flags: Flags = { index: 0, chunk: 3000, json: false, save: false, neuron: {} };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => { const v = args[++i]; if (v === undefined) throw new Error(`${a} needs a value`); return v; };
    const num = (): number => { const v = Number(value()); if (!Number.isFinite(v)) throw new Error(`${a} needs a number`); return v; };
    /** A number from `min` to `max` (a whole one when `int`). */
    const bounded = (min: number, max: number, int: boolean): number => {
      const v = num();
      if (!(v >= min && v <= max) || (int && !Number.isInteger(v))) throw new Error(`${a} needs ${int ? 'a whole number' : 'a number'} from ${min} to ${max.toLocaleString('en-US')}, got ${v}`);
      return v;
    };
    try {
      switch (a) {
        case '--weights': flags.weights = value(); break;
        case '--input': flags.input = value(); break;
        case '--index': flags.index = bounded(0, Number.MAX_SAFE_INTEGER, true); break;
        case '--chunk': flags.chunk = bounded(1, MAX_CHUNK_EVENTS, true); break;
        case '--dt-ms': flags.dtMs = bounded(MIN_DT_MS, MAX_DT_MS, false); break;
        case '--steps': flags.steps = bounded(1, MAX_STEPS, true); break;
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
async function readInput(model: ModelFile, f: Flags): Promise<{ input: SpikeInput; weights?: ModelWeights; note: string; neuron?: Partial<NeuronParams> }> {
  const file = f.input!;
  const shape = model.input.shape;
  if (file.endsWith('.json')) {
    // A Sinabs reference fixture: its input, its neuron settings, and its weights mapped onto this model.
    const fx = loadFixture(file);
    const input = f.steps && fx.json.events ? binEvents({ x: fx.json.events.x, y: fx.json.events.y, t: (fx.json.events.t_ms as number[]).map((t) => t * 1000) }, shape, { dtMs: f.dtMs ?? 1, steps: f.steps, t0: 0 }) : fx.input;
    const weights = weightsFor(model, fx.weights);
    checkWeights(model, layerStats(model), weights);
    for (const [layer, w] of Object.entries(weights)) checkFinite(layer, 'weights', w.weight);
    return { input, weights, neuron: fx.neuron, note: `Sinabs fixture ${file}` };
  }
  if (model.input.kind === 'image') {
    // One record by a positioned read: a batch file of any size is not read whole for one image.
    const count = await cifarCount(fileSource(file));
    if (!(f.index >= 0 && f.index < count)) throw new Error(`--index ${f.index} is out of range; ${file} has ${count} images`);
    const record = await readCifarRecord(fileSource(file), f.index);
    const pixels = cifarPixels(record.image, 0, model.input.normalize ?? 'symmetric');
    return { input: imageInput(pixels, shape, f.steps ?? model.input.steps), note: `CIFAR-10 record ${f.index} (label ${record.label})` };
  }
  // Any event file the readers know (AEDAT 2.0/4.0, N-MNIST, Prophesee); chunk `index` of `chunk` events, streamed.
  const { meta, events: chunk } = await readEventChunk(fileSource(file), f.index, f.chunk);
  const start = f.index * f.chunk;
  const sensor = model.input.sensor ?? [meta.width, meta.height];
  sensorFits(model, sensor, [meta.width, meta.height], file);
  return { input: binEvents(chunk, shape, { dtMs: f.dtMs ?? model.input.dtMs, sensor, steps: f.steps }), note: `${meta.format} events ${start}..${start + chunk.length - 1} of ${file}` };
}

/**
 * Refuses a recording the model cannot bin: from another sensor than the model names, or from a sensor
 * that is not a whole multiple of the input (each input pixel sums a block of sensor pixels).
 */
function sensorFits(model: ModelFile, sensor: number[], recorded: [number, number], file: string): void {
  const [c, h, w] = model.input.shape;
  if (sensor[0] !== recorded[0] || sensor[1] !== recorded[1]) {
    throw new CliError(`${file} comes from a ${recorded[0]}×${recorded[1]} sensor, the model's "input.sensor" is ${sensor[0]}×${sensor[1]}; simulate a model made for this sensor (input [${c}, ${fittingSide(recorded[1], h)}, ${fittingSide(recorded[0], w)}], sensor [${recorded.join(', ')}])`);
  }
  if (sensor[0] % w || sensor[1] % h) {
    throw new CliError(`${file} comes from a ${sensor[0]}×${sensor[1]} sensor, which is not a whole multiple of the model's ${w}×${h} input; simulate a model with input [${c}, ${fittingSide(sensor[1], h)}, ${fittingSide(sensor[0], w)}]`);
  }
}

/** `synops simulate`: exit 0 ok, 1 bad input, 2 usage. */
export function runSimulate(args: string[]): Promise<number> {
  return withFaults('simulate', () => simulateCommand(args));
}

async function simulateCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') return usageError('simulate', parsed);
  const { model: modelPath, flags } = parsed;
  const { parsed: pm, nir } = await readModelOrNir(modelPath);
  const errors = pm.diagnostics.filter((d) => d.severity === 'error');
  if (!pm.model || errors.length) { for (const d of errors) console.error(nir ? nirDiagnosticLine(modelPath, pm, d) : diagnosticLine(modelPath, d)); return 1; }
  const model = pm.model;
  const inp = await readInput(model, flags).catch((e: unknown) => {
    // Whatever goes wrong reading the input is about the input file: one line naming it.
    if (describeFault(e, 'simulate') !== undefined) throw e;
    throw new CliError(`cannot use ${flags.input} as input: ${(e as Error).message}`);
  });
  const weights = flags.weights ? await readTfjsWeightsFile(flags.weights, model) : nir?.weights ?? inp.weights;
  if (!weights) return usageError('simulate', '--weights <model.json> is required for this input');
  const neuron = { ...nir?.neuron, ...inp.neuron, ...flags.neuron };
  const engine = flags.engine ?? defaultEngine(inp.input);
  const t0 = performance.now();
  let result: SimResult;
  if (engine === 'dense') {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    result = await simulateDense(model, weights, inp.input, { neuron, counts: true });
  } else result = simulateEvents(model, weights, inp.input, { neuron, counts: true });
  const ms = performance.now() - t0;
  const profileId = model.energy?.profile ?? DEFAULT_SNN_PROFILE;
  const profile = BUILTIN_PROFILES.find((p) => p.id === profileId) ?? BUILTIN_PROFILES.find((p) => p.id === DEFAULT_SNN_PROFILE)!;
  const jPerSynOp = (profile as { joulesPerSynOp?: number }).joulesPerSynOp ?? 0;
  const neurobench = neuroBenchReport(model, weights, [result]);
  if (flags.save) {
    writeSimulationResult(modelPath, simulationResultFile(model, measuredBySimulation(model, result, neurobench), `${inp.note}, ${engine} engine, ${JSON.stringify(neuron)}`));
  }
  if (flags.json) {
    console.log(JSON.stringify({
      engine, ms, steps: result.steps, input: inp.note,
      layers: result.layers.map((l) => ({ index: l.index, name: l.name, shape: l.shape, spikes: l.total, perStep: [...l.perStep] })),
      synops: result.synops, totalSynops: result.totalSynops, energyJ: result.totalSynops * jPerSynOp,
      output: { values: [...result.output.values], predicted: result.output.predicted, ties: result.output.ties },
      neurobench,
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
  if (neurobench) console.log(`\n${renderNeuroBench(neurobench)}`);
  return 0;
}

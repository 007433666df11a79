/** Payloads shared by the browser tests of the trade-off and raster views, the conversion section and the notebook renderer. */
import type { ConversionDiagnosis } from '../../src/protocol/report';
import type { RasterLayer, RasterPayload, TradeoffPayload, TradeoffPoint } from '../../src/protocol/views';

/**
 * The conversion diagnosis of a SynOp+QReLU run of the MNIST-DVS network (relu1 8×62×62, relu2 12×29×29,
 * relu3 12×12×12 neurons and an added spiking output of 10) on 891 held-out samples, spike-count readout;
 * accuracies as in the README's synthetic-digits reproduction, with a warning.
 */
export const CONVERSION: ConversionDiagnosis = {
  readout: 'spikes',
  samples: 891,
  layers: [
    { layer: 'relu1', neurons: 30_752, annSpikes: 4_102.6, snnSpikes: 3_948.2, annSilent: 0.812, snnSilent: 0.8304 },
    { layer: 'relu2', neurons: 10_092, annSpikes: 903.4, snnSpikes: 610.3, annSilent: 0.9213, snnSilent: 0.9547 },
    { layer: 'relu3', neurons: 1_728, annSpikes: 41.27, snnSpikes: 22.61, annSilent: 0.9721, snnSilent: 0.9863 },
    { layer: 'spike_output', neurons: 10, annSpikes: 3.214, snnSpikes: 2.406, annSilent: 0.7, snnSilent: 0.78 },
  ],
  // Printed 89.5 %, 85.1 %, 82.8 %: the strip's points are those of the printed figures, −4.4 and −2.3.
  accuracy: { annArgmax: 0.8954, annReadout: 0.8506, snn: 0.828 },
  silentOutputs: 37,
  warning: 'Most layers are silent for most samples: train with a higher SynOps target or fewer epochs of the SynOp loss.',
};

export const STEPS = 300;

/** A sweep of three strategies × four runs plus the baseline, with MNIST-DVS-like figures. */
const run = (runId: string, strategy: TradeoffPoint['strategy'], synops: number, accuracy: number, extra: Partial<TradeoffPoint> = {}): TradeoffPoint =>
  ({ runId, strategy, synops, accuracy, ...extra });

export const TRADEOFF: TradeoffPayload = {
  schemaVersion: 1,
  title: 'MNIST-DVS sweep',
  dataset: 'MNIST-DVS, chunks of 3000 events',
  annMacs: 1_194_336,
  points: [
    run('ws-0.25', 'weight-scaling', 402_000, 0.62, { rho: 0.25 }),
    run('ws-0.5', 'weight-scaling', 1_100_000, 0.9012, { rho: 0.5 }),
    run('ws-2', 'weight-scaling', 9_500_000, 0.9655, { rho: 2 }),
    run('ws-1.5', 'weight-scaling', 6_200_000, 0.9641, { rho: 1.5 }),
    run('sl-1e5', 'synop-loss', 150_000, 0.88, { target: 1e5 }),
    run('sl-3e5', 'synop-loss', 340_000, 0.925, { target: 3e5 }),
    run('sl-1e6', 'synop-loss', 1_020_000, 0.95, { target: 1e6 }),
    run('sl-2e6', 'synop-loss', 2_100_000, 0.958, { target: 2e6 }),
    run('qr-1e5', 'synop-loss-qrelu', 121_000, 0.9034, { target: 1e5, accuracyAnn: 0.9120, synopsAnn: 118_500 }),
    run('qr-3e5', 'synop-loss-qrelu', 310_000, 0.938, { target: 3e5, accuracyAnn: 0.9405, synopsAnn: 301_000 }),
    run('qr-6e5', 'synop-loss-qrelu', 630_000, 0.95, { target: 6e5, accuracyAnn: 0.9521, synopsAnn: 640_200 }),
    run('qr-1.5e6', 'synop-loss-qrelu', 1_500_000, 0.9602, { target: 1.5e6, accuracyAnn: 0.9610, synopsAnn: 1_480_000 }),
    run('baseline', 'baseline', 3_860_000, 0.963, { label: 'unoptimized' }),
  ],
};

/** A small deterministic generator (mulberry32), so the fixture is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function layer(name: string, shape: number[], entries: number, dropped: number, rnd: () => number): RasterLayer {
  const n = shape.reduce((a, b) => a * b, 1);
  const seen = new Set<string>();
  const neurons: number[] = []; const steps: number[] = []; const counts: number[] = [];
  const perStep = new Array<number>(STEPS).fill(0);
  while (neurons.length < entries) {
    const s = Math.floor(rnd() * STEPS);
    // Activity follows the blob: more neurons fire in the middle of the chunk.
    const nn = Math.floor(rnd() * n * (0.3 + 0.7 * Math.sin(Math.PI * s / STEPS)));
    if (seen.has(`${nn},${s}`)) continue;
    seen.add(`${nn},${s}`);
    const c = 1 + Math.floor(rnd() * rnd() * 3);
    neurons.push(nn); steps.push(s); counts.push(c); perStep[s] += c;
  }
  // The entries left out still count in perStep and total: 1 spike each, spread over the chunk.
  for (let i = 0; i < dropped; i++) perStep[i % STEPS]++;
  return { name, shape, neurons, steps, counts, perStep, total: perStep.reduce((a, b) => a + b, 0), dropped };
}

/**
 * A synthetic, seeded chunk: 3000 events of a blob moving across a 64×64 sensor over 300 ms, three spiking
 * layers (8×31×31, 12×14×14, 10 outputs) with enough entries that the raster is decimated, and 1234 entries
 * of the first layer left out by the recording; class 7 predicted and labelled.
 */
export function rasterFixture(): RasterPayload {
  const rnd = random(42);
  const x: number[] = []; const y: number[] = []; const t: number[] = []; const p: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const tu = Math.floor((i / 3000) * STEPS * 1000 + rnd() * 100);
    const cx = 10 + 44 * (tu / (STEPS * 1000));
    x.push(Math.max(0, Math.min(63, Math.round(cx + (rnd() - 0.5) * 14))));
    y.push(Math.max(0, Math.min(63, Math.round(32 + (rnd() - 0.5) * 20))));
    t.push(tu);
    p.push(rnd() < 0.5 ? 1 : 0);
  }
  const counts = [3, 1, 0, 4, 2, 5, 1, 19, 6, 2];
  return {
    schemaVersion: 1, title: 'MNIST-DVS digit 7, chunk 1', dtMs: 1, steps: STEPS,
    input: { width: 64, height: 64, x, y, t, p, total: 3000, dropped: 0 },
    layers: [layer('spk1', [8, 31, 31], 24_000, 1234, rnd), layer('spk2', [12, 14, 14], 6_000, 0, rnd), layer('out', [10], 0, 0, rnd)]
      .map((l) => l.name === 'out' ? outLayer(counts) : l),
    output: { counts, predicted: 7, ties: [7], label: 7 },
  };
}

function outLayer(counts: number[]): RasterLayer {
  const neurons: number[] = []; const steps: number[] = []; const cs: number[] = [];
  const perStep = new Array<number>(STEPS).fill(0);
  counts.forEach((c, k) => { for (let j = 0; j < c; j++) { const s = 100 + 7 * j + k; neurons.push(k); steps.push(s); cs.push(1); perStep[s]++; } });
  return { name: 'out', shape: [10], neurons, steps, counts: cs, perStep, total: 43, dropped: 0 };
}


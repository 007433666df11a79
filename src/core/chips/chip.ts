/**
 * The chips a model can be checked against, by id: Speck / DYNAP-CNN (`speck.ts`, the default), Xylo
 * (`xylo.ts`) and Loihi 2 (`loihi2.ts`), each with its limits as data and their sources. A model file picks
 * one with `"energy": { "chip": "xylo" }`; `synops summary --chip <id>` overrides it.
 */
import type { LayerStats } from '../model/shapes';
import type { ModelFile } from '../model/types';
import { checkChipFit, SPECK } from './speck';
import { checkXylo } from './xylo';
import { checkLoihi2 } from './loihi2';

export interface ChipDiagnostic {
  /** The model layer it concerns, or -1 for the input. */
  layer: number;
  code: string;
  message: string;
}

/** A chip check's outcome, whichever chip. */
export interface ChipCheck {
  id: string;
  name: string;
  fits: boolean;
  /** What the network takes of the chip, in words ("4 of 9 cores", "612 of 1,000 hidden neurons, …"). */
  uses: string;
  /** The chip layers (weight layers), with the core each is placed on where the chip has placement. */
  layers: { layer: number; name: string; core?: number }[];
  /** One per broken limit, on its layer; `chip/dense-only`-style advice may be among them without breaking the fit. */
  diagnostics: ChipDiagnostic[];
  notes: string[];
  sources: string;
}

export const CHIP_IDS = ['speck', 'xylo', 'loihi2'] as const;
export type ChipId = typeof CHIP_IDS[number];
export const DEFAULT_CHIP: ChipId = 'speck';

export function isChipId(v: unknown): v is ChipId {
  return typeof v === 'string' && (CHIP_IDS as readonly string[]).includes(v);
}

/** Checks `model` against chip `id` (Speck / DYNAP-CNN when absent). */
export function checkChip(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'>, stats: LayerStats[], id: ChipId = DEFAULT_CHIP): ChipCheck {
  if (id === 'xylo') return checkXylo(model, stats);
  if (id === 'loihi2') return checkLoihi2(model, stats);
  const fit = checkChipFit(model, stats, SPECK);
  return {
    id: SPECK.id, name: SPECK.name, fits: fit.fits, uses: `${fit.layers.length} of ${SPECK.cores} cores`,
    layers: fit.layers.map((l) => ({ layer: l.layer, name: l.name, ...(l.core !== undefined ? { core: l.core } : {}) })),
    diagnostics: fit.diagnostics, notes: fit.notes, sources: SPECK.sources,
  };
}

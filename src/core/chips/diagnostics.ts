/** The chip-fit check's findings as model-file diagnostics (`info`: the file is valid, it just does not fit the chip). */
import type { ParsedModel } from '../model/parse';
import type { ChipFitReport, ModelDiagnostic, Range } from '../../protocol/report';
import { checkChip, DEFAULT_CHIP, isChipId, type ChipId } from './chip';
import { SPECK } from './speck';

/** One diagnostic per broken limit of `chip`, on the layer's object in `text` (on `"input"` for the input). */
export function chipDiagnostics(text: string, parsed: ParsedModel, chip: ChipId = chipOf(parsed)): ModelDiagnostic[] {
  if (!parsed.model || !parsed.stats) return [];
  const fit = checkChip(parsed.model, parsed.stats, chip);
  const input = rangeOf(text, '"input"');
  return fit.diagnostics.map((d) => ({
    code: d.code, severity: 'info' as const, message: d.message,
    range: d.layer >= 0 ? parsed.layerRanges[d.layer] ?? input : input,
  }));
}

/** The fit as the energy report shows it: the verdict, the cores used, or each broken limit with its layer's range. */
export function chipFitReport(parsed: ParsedModel, chip: ChipId = chipOf(parsed)): ChipFitReport | undefined {
  if (!parsed.model || !parsed.stats) return undefined;
  const model = parsed.model;
  const fit = checkChip(model, parsed.stats, chip);
  const prefix = `${fit.name}: `;
  return {
    chip: fit.name, chipId: fit.id, uses: fit.uses, sources: fit.sources,
    // Cores: Speck's nine, one layer each; the other chips are not checked core by core.
    cores: fit.id === SPECK.id ? SPECK.cores : 0, fits: fit.fits,
    layers: fit.layers.map((l) => ({ name: l.name, core: l.core })),
    problems: fit.diagnostics.map((d) => ({
      layer: d.layer >= 0 ? model.layers[d.layer].name : 'input', code: d.code,
      message: d.message.startsWith(prefix) ? d.message.slice(prefix.length) : d.message,
      range: d.layer >= 0 ? parsed.layerRanges[d.layer] : undefined,
    })),
    notes: fit.notes,
  };
}

/** The chip the model file names (`"energy": { "chip" }`), else Speck / DYNAP-CNN. */
export function chipOf(parsed: ParsedModel): ChipId {
  const id = (parsed.model?.energy as { chip?: unknown } | undefined)?.chip;
  return isChipId(id) ? id : DEFAULT_CHIP;
}

/** The range of the first occurrence of `needle` in `text` (line 0 when absent). */
function rangeOf(text: string, needle: string): Range {
  const at = Math.max(0, text.indexOf(needle));
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  const character = at - (before.lastIndexOf('\n') + 1);
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

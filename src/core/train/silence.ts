/**
 * When a converted network is "mostly silent", in the words every view uses: the share of held-out samples
 * whose output layer stayed silent, and a plain sentence with what to try. Shared by the conversion
 * diagnosis (`convert.ts`) and the reports of runs evaluated before the diagnosis existed (`runReport.ts`),
 * so the threshold and the advice are the same everywhere.
 */
import type { Readout } from '../../protocol/report';

/** Above this share of silent outputs a network is called mostly silent. */
export const SILENT_SHARE = 0.25;

/**
 * The warning for `silent` of `samples` silent outputs (and optionally a layer that fires under a quarter of
 * its quantized twin's activity, as `{ layer, ratio }`), or undefined when the network is not mostly silent.
 */
export function silenceWarning(silent: number, samples: number, readout: Readout, deadLayer?: { layer: string; ratio: number }): string | undefined {
  const share = samples ? silent / samples : 0;
  if (!(share > SILENT_SHARE) && !deadLayer) return undefined;
  return `The spiking network is mostly silent: ${silent} of ${samples} samples (${(100 * share).toFixed(0)} %) had ${readout === 'spikes' ? 'no output spike' : 'no input at the output layer'}`
    + `${deadLayer ? `; ${deadLayer.layer} fires ${(100 * deadLayer.ratio).toFixed(0)} % of the quantized ANN's activity` : ''}. `
    // The membrane readout is advice only to a network that reads spikes: it was offered to one reading membranes.
    + `Try training longer, a higher SynOps target, ${readout === 'spikes' ? 'the membrane readout, ' : ''}or fine-tuning through time.`;
}

import type { SpikeInput } from './input';

export type EngineName = 'event' | 'dense';

/**
 * The engine a run uses when none is asked for: the event-driven one, for event streams and analog images
 * alike. Both engines give the same spike counts (`npm run verify:sinabs`, the property tests); on the
 * paper's networks (`npm run bench`) the event-driven engine is over an order of magnitude faster for an
 * MNIST-DVS chunk and about 2.5× faster for a CIFAR-10 image over 10 steps, where a tenth of the dense
 * multiply-adds become SynOps. The dense engine stays the reference; it would only win on a network in
 * which most neurons fire at most steps (SynOps approaching the dense multiply-adds times the steps).
 */
export function defaultEngine(_input?: Pick<SpikeInput, 'constant'>): EngineName {
  return 'event';
}

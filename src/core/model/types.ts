import type { ActivationLayer, Conv2dLayer, LayerSpec, LinearLayer } from '../../protocol/model';

export * from '../../protocol/model';

export function isWeightLayer(l: LayerSpec): l is Conv2dLayer | LinearLayer {
  return l.type === 'conv2d' || l.type === 'linear';
}

export function isSpikingLayer(l: LayerSpec): l is ActivationLayer {
  return l.type === 'relu' || l.type === 'qrelu';
}

export function kernelSize(l: Conv2dLayer): [number, number] {
  return typeof l.kernel === 'number' ? [l.kernel, l.kernel] : l.kernel;
}

/**
 * The tap tables of an event-driven convolution (`ConvOp`), built once per plan. For an input of `h × w`
 * positions, an output of `oh × ow`, a `kh × kw` kernel, stride `s`, padding `p` and `oc` output channels:
 * - by input position (`tapStart`, one more entry than positions): its taps in (ky, kx) order, each the
 *   output position it reaches (`tapQ`) and the offset of the tap's weight row (`tapW`, `(ky·kw + kx)·oc`);
 * - by output position (`outStart`): the same taps in (ky, kx) order, each the input position (`outP`) and
 *   the weight row offset (`outW`).
 */
export function convTaps(h: number, w: number, oh: number, ow: number, kh: number, kw: number, s: number, p: number, oc: number) {
  const start = new Int32Array(h * w + 1);
  const q: number[] = []; const wr: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    start[y * w + x] = q.length;
    for (let ky = 0; ky < kh; ky++) {
      const ny = y + p - ky;
      if (ny < 0 || ny % s !== 0 || ny / s >= oh) continue;
      for (let kx = 0; kx < kw; kx++) {
        const nx = x + p - kx;
        if (nx < 0 || nx % s !== 0 || nx / s >= ow) continue;
        q.push((ny / s) * ow + nx / s);
        wr.push((ky * kw + kx) * oc);
      }
    }
  }
  start[h * w] = q.length;
  // The same taps by output position, in (ky, kx) order: input position and weight row offset.
  const outs: number[][] = Array.from({ length: oh * ow }, () => []);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const at = y * w + x;
    for (let j = start[at]; j < start[at + 1]; j++) outs[q[j]].push(wr[j], at);
  }
  const outStart = new Int32Array(oh * ow + 1);
  const nTaps = q.length;
  const outP = new Int32Array(nTaps), outW = new Int32Array(nTaps);
  let n = 0;
  outs.forEach((list, qo) => {
    outStart[qo] = n;
    const order = Array.from({ length: list.length / 2 }, (_, k) => k).sort((a, b) => list[2 * a] - list[2 * b]);
    for (const k of order) { outW[n] = list[2 * k]; outP[n] = list[2 * k + 1]; n++; }
  });
  outStart[oh * ow] = n;
  return { tapStart: start, tapQ: Int32Array.from(q), tapW: Int32Array.from(wr), outStart, outP, outW };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressSteps } from '../../src/host/progressSteps';

describe('progressSteps', () => {
  it('turns fractions into increments that add up to the furthest percent, never moving back', () => {
    const step = progressSteps();
    // 0.1 → 10 %: +10; 0.25 → 25 %: +15; 0.2 is behind 25 %: +0; no fraction: +0; 0.604 → 60 %: +35; 1 → 100 %: +40.
    const steps = [0.1, 0.25, 0.2, undefined, 0.604, 1].map((f) => step(f));
    assert.deepEqual(steps, [10, 15, 0, 0, 35, 40]);
    assert.equal(steps.reduce((a, b) => a + b, 0), 100);
  });

  it('clamps fractions outside 0…1 and ignores NaN', () => {
    const step = progressSteps();
    // -0.5 → 0 %: +0; NaN: +0; 1.7 → 100 %: +100; then nothing is left.
    assert.deepEqual([-0.5, NaN, 1.7, 1].map((f) => step(f)), [0, 0, 100, 0]);
  });
});

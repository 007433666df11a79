import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelFileOptions } from '../../src/protocol/report';

describe('modelFileOptions (a model file\'s report options for lenses, panel and notebook cells)', () => {
  const settings = { spikesPerNeuron: 0.2, profileId: 'loihi' };

  it('adds the workspace folder on disk and the picked run', () => {
    assert.deepEqual(modelFileOptions(settings, { scheme: 'file', fsPath: '/w' }, 'run-3'),
      { spikesPerNeuron: 0.2, profileId: 'loihi', workspace: '/w', runId: 'run-3' });
  });

  it('keeps the estimate (`\'\'`) as a picked run, and leaves runId out for the newest run', () => {
    assert.equal(modelFileOptions(settings, { scheme: 'file', fsPath: '/w' }, '').runId, '');
    assert.ok(!('runId' in modelFileOptions(settings, { scheme: 'file', fsPath: '/w' }, undefined)));
  });

  it('leaves out a folder the worker cannot read (not on disk) or none', () => {
    assert.deepEqual(modelFileOptions(settings, { scheme: 'vscode-vfs', fsPath: '/remote' }, undefined), settings);
    assert.deepEqual(modelFileOptions(settings, undefined, undefined), settings);
  });
});

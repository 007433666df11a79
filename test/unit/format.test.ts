/** Pure helpers of the report views and the panel's HTML template; no browser needed. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, formatCountShort, formatDuration, formatEnergy, formatRatio, formatShape } from '../../src/protocol/format';
import { createNonce, reportPanelHtml } from '../../src/host/panels/reportHtml';

describe('report formatting', () => {
  test('counts use en-US separators and round measured means', () => {
    assert.equal(formatCount(276768), '276,768');
    assert.equal(formatCount(202710.9375), '202,711');
    assert.equal(formatCount(undefined), '');
    assert.equal(formatCountShort(2906496), '2.91 M');
    assert.equal(formatCountShort(17280), '17.3 k');
  });

  test('energies pick the engineering unit with three significant digits', () => {
    assert.equal(formatEnergy(2.027109375e-6), '2.03 µJ');
    assert.equal(formatEnergy(0.05151067306875), '51.5 mJ');
    assert.equal(formatEnergy(1.728e-7), '173 nJ');
    assert.equal(formatEnergy(9.996e-7), '1 µJ'); // rounds up into the next unit, not "1000 nJ"
    assert.equal(formatEnergy(4.6e-12), '4.6 pJ');
    assert.equal(formatEnergy(0), '0 J');
    assert.equal(formatEnergy(undefined), '');
  });

  test('ratios and shapes', () => {
    assert.equal(formatRatio(3.8729829375e-5, 5.4939456e-6), '7.05×');
    assert.equal(formatRatio(1, 0), '');
    assert.equal(formatShape([8, 62, 62]), '8×62×62');
  });
});

describe('reportPanelHtml', () => {
  const html = reportPanelHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x/dist/webview/report.js', styleUri: 'https://x/media/report.css', title: 'Report: <a & "b">' });

  test('has a strict CSP with the nonce on its one script; the shared plotly is named for the view to load after its first frame', () => {
    const csp = "default-src 'none'; img-src https://x.vscode-cdn.net data:; style-src https://x.vscode-cdn.net 'unsafe-inline'; script-src 'nonce-abc123'; font-src https://x.vscode-cdn.net";
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${csp.replaceAll("'", '&#39;')}">`), html);
    assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="abc123" src="https://x/dist/webview/report.js">']);
    assert.match(html, /<body data-plotly="https:\/\/x\/dist\/webview\/plotly\.min\.js">/);
    assert.match(html, /<link rel="preload" as="script" nonce="abc123" href="https:\/\/x\/dist\/webview\/plotly\.min\.js">/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/media\/report\.css">/);
    assert.match(html, /<title>Report: &lt;a &amp; &quot;b&quot;&gt;<\/title>/);
  });

  test('paints its title and what it waits for before the view has drawn', () => {
    assert.match(html, /<div id="report-status" class="report-status panel-skeleton" role="status"><h2>Report: &lt;a &amp; &quot;b&quot;&gt;<\/h2><p>Computing the report…<\/p><\/div>/);
  });

  test('rejects a nonce that could break out of the attribute', () => {
    assert.throws(() => reportPanelHtml({ cspSource: 's', nonce: 'a" onload="x', scriptUri: '', styleUri: '', title: '' }));
    assert.match(createNonce(), /^[0-9a-f]{32}$/);
  });
});

describe('formatDuration', () => {
  test('reads seconds, minutes and hours', () => {
    assert.equal(formatDuration(0.2), '1 s');
    assert.equal(formatDuration(45), '45 s');
    assert.equal(formatDuration(125), '2 min'); // 2.08 min
    assert.equal(formatDuration(4800), '80 min'); // under 90 min: minutes
    assert.equal(formatDuration(6000), '1 h 40 min'); // 100 min
    assert.equal(formatDuration(7200), '2 h');
    assert.equal(formatDuration(93600), '26 h'); // 1,560 min
    assert.equal(formatDuration(-1), '');
  });
});

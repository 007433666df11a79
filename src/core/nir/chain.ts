/**
 * The order of a NIR graph's nodes as a chain Input → … → Output, the only shape the spiking simulator runs:
 * edges must name existing nodes; self-connections, cycles (recurrent edges), branches, merges and nodes off
 * the path are refused, each at its edge or node. Pure.
 */
import { nodePath, type NirGraph, type NirNode } from './graph';

/** The nodes from Input to Output; refuses branches, merges, cycles, edges to unknown nodes, stray nodes. */
export function walkChain(graph: NirGraph, byName: Map<string, NirNode>, fail: (where: string, msg: string) => never): NirNode[] {
  const succ = new Map<string, string>();
  const pred = new Map<string, string>();
  graph.edges.forEach(([a, b], i) => {
    for (const x of [a, b]) if (!byName.has(x)) fail(`/node/edges[${i}]`, `edge ${a} → ${b} names node "${x}", which /node/nodes does not have; add the node or remove the edge`);
    if (a === b) fail(`/node/edges[${i}]`, `edge ${a} → ${b} is a recurrent (self) connection; the simulator runs feed-forward chains only`);
  });
  const cycle = closingEdge(graph);
  if (cycle >= 0) {
    const [a, b] = graph.edges[cycle];
    fail(`/node/edges[${cycle}]`, `edge ${a} → ${b} closes a cycle (a recurrent connection); the simulator runs feed-forward chains only`);
  }
  graph.edges.forEach(([a, b], i) => {
    if (succ.has(a)) fail(`/node/edges[${i}]`, `node "${a}" feeds both "${succ.get(a)}" and "${b}"; the simulator runs a chain of layers (no branches)`);
    if (pred.has(b)) fail(`/node/edges[${i}]`, `node "${b}" receives both "${pred.get(b)}" and "${a}"; the simulator runs a chain of layers (no merges or recurrent edges)`);
    succ.set(a, b);
    pred.set(b, a);
  });
  const inputs = graph.nodes.filter((n) => n.type === 'Input');
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (inputs.length !== 1) fail('/node/nodes', `has ${inputs.length} Input nodes; the simulator runs a graph with exactly one`);
  if (outputs.length !== 1) fail('/node/nodes', `has ${outputs.length} Output nodes; the simulator runs a graph with exactly one`);
  const chain: NirNode[] = [inputs[0]];
  const seen = new Set([inputs[0].name]);
  for (let at = inputs[0].name; at !== outputs[0].name;) {
    const next = succ.get(at);
    if (next === undefined) fail(nodePath(at), `node "${at}" leads nowhere: no edge from it, so the graph never reaches Output "${outputs[0].name}"; add the missing edge`);
    if (seen.has(next!)) fail(nodePath(next!), `node "${next}" is reached twice: the edges form a cycle (a recurrent connection); the simulator runs feed-forward chains only`);
    seen.add(next!);
    chain.push(byName.get(next!)!);
    at = next!;
  }
  if (pred.has(inputs[0].name)) fail(nodePath(inputs[0].name), `the Input node receives an edge from "${pred.get(inputs[0].name)}"; a recurrent connection is not supported`);
  const stray = graph.nodes.find((n) => !seen.has(n.name));
  if (stray) fail(nodePath(stray.name), `node "${stray.name}" (${stray.type}) is not on the path from Input to Output (or lies on a cycle); remove it or connect it`);
  return chain;
}

/** The index of an edge that closes a cycle (a depth-first search's back edge), or -1: iterative, any graph size. */
function closingEdge(graph: NirGraph): number {
  const out = new Map<string, number[]>();
  graph.edges.forEach(([a], i) => { if (!out.has(a)) out.set(a, []); out.get(a)!.push(i); });
  const state = new Map<string, 1 | 2>(); // 1 on the current path, 2 done
  for (const start of graph.nodes.map((n) => n.name)) {
    if (state.has(start)) continue;
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const edges = out.get(top.node) ?? [];
      if (top.next >= edges.length) { state.set(top.node, 2); stack.pop(); continue; }
      const e = edges[top.next++];
      const to = graph.edges[e][1];
      const s = state.get(to);
      if (s === 1) return e;
      if (s === undefined) { state.set(to, 1); stack.push({ node: to, next: 0 }); }
    }
  }
  return -1;
}

"""Checks a .nir file the way NIR's Python reader (nir.read, nir/serialization.py, NIR 1.0.x) takes it apart,
with h5py, the HDF5 library NIR uses. The NIR package itself is not installable here, so this restates its
expectations (written from its source, not copied):

  * /version is a string dataset that reads as bytes and decodes as UTF-8 (nir.read_version);
  * /node is read whole: a group becomes a dict, a dataset its value (`ds[()]`), bytes decoded to str;
  * /node/type is "NIRGraph"; /node/nodes holds one group per node; /node/edges is an n x 2 array of
    node names (bytes);
  * each node's entries are exactly the fields its class takes (a node class is built with cls(**fields):
    a missing field or an extra one is an error), plus an optional metadata group;
  * an IF's r, v_threshold (and v_reset) have one shape;
  * the type check nir.read() runs by default: from the Input node along the edges, each node's output
    shape must equal the next node's input shape. Conv2d's output is computed as NIR computes it (its
    type inference takes the kernel size weight.shape[2] for both axes), pooling like a convolution
    with dilation 1, Flatten from start_dim to end_dim.

Usage: python3 nir_reader_check.py <file.nir>. Prints "nir layout ok: N nodes, M edges"; exits 1 with
the first problem otherwise.
"""
import sys

import h5py
import numpy as np

FIELDS = {
    # type: (required fields, optional fields)
    "Input": ({"shape"}, set()),
    "Output": ({"shape"}, set()),
    "Conv2d": ({"weight", "stride", "padding", "dilation", "groups", "bias"}, {"input_shape"}),
    "Linear": ({"weight"}, set()),
    "Affine": ({"weight", "bias"}, set()),
    "IF": ({"r", "v_threshold"}, {"v_reset"}),
    "SumPool2d": ({"kernel_size", "stride", "padding"}, set()),
    "AvgPool2d": ({"kernel_size", "stride", "padding"}, set()),
    "Flatten": ({"start_dim", "end_dim"}, {"input_type"}),
}


def fail(msg):
    print("nir layout problem: " + msg)
    sys.exit(1)


def as_dict(group):
    """A group as NIR's reader sees it: nested dicts of dataset values, bytes as str."""
    out = {}
    for key, item in group.items():
        if isinstance(item, h5py.Group):
            out[key] = as_dict(item)
        else:
            v = item[()]
            out[key] = v.decode("utf8") if isinstance(v, bytes) else v
    return out


def pair(v, name, where):
    a = np.atleast_1d(np.asarray(v))
    if a.dtype.kind not in "iu":
        fail(f"{where}/{name} is {a.dtype}, not integers")
    if a.size == 1:
        return int(a[0]), int(a[0])
    if a.size != 2:
        fail(f"{where}/{name} has {a.size} values")
    return int(a[0]), int(a[1])


def window(n, k, s, p, d=1):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def conv_out(node, in_shape, where):
    """Conv2d output as NIR's type inference computes it (kernel weight.shape[2] on both axes)."""
    w = node["weight"]
    k = w.shape[2]
    s, p, d = (pair(node[f], f, where) for f in ("stride", "padding", "dilation"))
    return [w.shape[0], window(in_shape[1], k, s[0], p[0], d[0]), window(in_shape[2], k, s[1], p[1], d[1])]


def pool_out(node, in_shape, where):
    k, s, p = (pair(node[f], f, where) for f in ("kernel_size", "stride", "padding"))
    return [in_shape[0], window(in_shape[1], k[0], s[0], p[0]), window(in_shape[2], k[1], s[1], p[1])]


def flatten_out(node, in_shape):
    start, end = int(node["start_dim"]), int(node["end_dim"])
    end = len(in_shape) - 1 if end == -1 else end
    return in_shape[:start] + [int(np.prod(in_shape[start:end + 1]))] + in_shape[end + 1:]


def declared_input(t, node):
    """The input shape a node states itself (None: inferred from its predecessor)."""
    if t in ("Input", "Output"):
        return [int(x) for x in np.atleast_1d(node["shape"])]
    if t == "Conv2d" and "input_shape" in node:
        return [int(node["weight"].shape[1])] + [int(x) for x in np.atleast_1d(node["input_shape"])]
    if t in ("Linear", "Affine"):
        return [int(node["weight"].shape[1])]
    if t == "IF":
        return list(node["r"].shape)
    if t == "Flatten" and "input_type" in node:
        return [int(x) for x in np.atleast_1d(node["input_type"])]
    return None


def output(t, node, in_shape, where):
    if t in ("Input", "IF", "Output"):
        return in_shape if t != "Input" else declared_input(t, node)
    if t == "Conv2d":
        return conv_out(node, in_shape, where)
    if t in ("SumPool2d", "AvgPool2d"):
        return pool_out(node, in_shape, where)
    if t == "Flatten":
        return flatten_out(node, in_shape)
    return [int(node["weight"].shape[0])]


def main(path):
    with h5py.File(path, "r") as f:
        v = f["version"][()]
        if not isinstance(v, bytes):
            fail(f"/version reads as {type(v).__name__}, not bytes")
        v.decode("utf8")
        g = as_dict(f["node"])
    if g.get("type") != "NIRGraph":
        fail(f"/node/type is {g.get('type')!r}")
    if not isinstance(g.get("nodes"), dict) or "edges" not in g:
        fail("/node has no nodes group or no edges")
    nodes = g["nodes"]
    edges = np.asarray(g["edges"])
    if edges.ndim != 2 or edges.shape[1] != 2:
        fail(f"/node/edges has shape {edges.shape}, not n x 2")
    edges = [(a.decode("utf8") if isinstance(a, bytes) else str(a), b.decode("utf8") if isinstance(b, bytes) else str(b)) for a, b in edges]
    for name, node in nodes.items():
        where = f"/node/nodes/{name}"
        t = node.get("type")
        if t not in FIELDS:
            fail(f"{where}/type is {t!r}, not a type this check knows")
        required, optional = FIELDS[t]
        keys = set(node) - {"type", "metadata"}
        if required - keys:
            fail(f"{where} ({t}) lacks {sorted(required - keys)}")
        if keys - required - optional:
            fail(f"{where} ({t}) has fields {t} does not take: {sorted(keys - required - optional)}")
        if t == "IF":
            shapes = {k: node[k].shape for k in ("r", "v_threshold", "v_reset") if k in node}
            if len(set(shapes.values())) != 1:
                fail(f"{where} (IF) parameter shapes differ: {shapes}")
    for a, b in edges:
        if a not in nodes or b not in nodes:
            fail(f"/node/edges: edge {a} -> {b} names a node that is not in /node/nodes")
    # The type check, from the Input node(s) along the edges.
    out = {}
    ready = [n for n, node in nodes.items() if node["type"] == "Input"]
    if not ready:
        fail("no Input node")
    for n in ready:
        out[n] = declared_input("Input", nodes[n])
    todo = list(ready)
    while todo:
        pre = todo.pop()
        for a, b in edges:
            if a != pre or b in out:
                continue
            t = nodes[b]["type"]
            declared = declared_input(t, nodes[b])
            if declared is not None and declared != out[a]:
                fail(f"type mismatch: {a}.output {out[a]} -> {b}.input {declared}")
            out[b] = output(t, nodes[b], out[a], f"/node/nodes/{b}")
            todo.append(b)
    if set(out) != set(nodes):
        fail(f"nodes not reached from the Input: {sorted(set(nodes) - set(out))}")
    print(f"nir layout ok: {len(nodes)} nodes, {len(edges)} edges, version {v.decode('utf8')}")


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python3
"""The PyTorch peer of `npm run bench`: the same work as our trainer and simulator, timed in the same run.

Usage: ``python3 torch_peer.py [spec.json]`` (the spec on stdin without an argument). Needs torch only.
Prints one JSON object per line as each measurement finishes, so a run stopped by a time limit keeps what
it measured:

- ``{"kind": "env", "python", "torch", "cpus"}`` first;
- ``{"kind": "train", "label", "batch", "threads", "imagesPerSec", "steps", "seconds", "cpuSeconds",
  "fanoutTotals", "check"}`` per training job and thread count (``cpuSeconds``: this process's CPU time
  over the timed steps, all threads);
- ``{"kind": "sim", "label", "threads", "ms", "firstMs", "reps", "times", "layers": [{"name", "total"}]}``
  per simulation job and thread count (``times``: each timed call's ms, for the bench to pool rounds);
- ``{"kind": "error", "label", "message"}`` when a job fails (the others still run).

The spec (bench/torch-spec.ts writes it):

- ``train``: ``[{label, model, batch, threads, warmup, minSteps, seconds, targetSynops, lr, seed,
  skipOutputActivation, inputDropout?, init?, check?}]``. ``model`` is a model file (``*.snn.json``);
  ``init`` its weights in PyTorch layout (else Kaiming-uniform from ``seed``); ``check`` a batch
  ``{shape: [N, C, H, W], x, labels}`` on which the loss parts at ``init`` without dropout are reported
  before training, with QReLU and with plain ReLU (QReLU can silence a layer at initialisation; ReLU
  then still reaches every weight, so the check covers each layer's layout).
- ``sim``: ``[{label, model, neuron: {threshold, spike, reset, minVMem}, weights, input: {shape, steps,
  stepStart, index, value}, threads, reps, seconds}]``.

Weights are ``{name: {shape, data, bias?}}`` with ``data`` base64 of float32 little-endian, PyTorch layout:
conv ``[C_out, C_in, kH, kW]``, linear ``[out, in]``, a linear behind a flatten reading ``(c, h, w)`` order.
"""
import base64
import json
import math
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn.functional as F

SPIKING = ("relu", "qrelu")
WEIGHT = ("conv2d", "linear")


def floats(b64):
    """A float32 tensor from base64 of little-endian float32."""
    return torch.frombuffer(bytearray(base64.b64decode(b64)), dtype=torch.float32).clone()


def weights_of(spec):
    """``{name: (weight, bias or None)}`` tensors of a spec's weights."""
    return {name: (floats(w["data"]).reshape(w["shape"]), floats(w["bias"]) if w.get("bias") else None) for name, w in spec.items()}


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def stateless(layer, h, w=None, b=None):
    """One conv2d, linear, pooling, flatten or dropout (identity here) layer on ``h`` (NCHW or [N, F])."""
    t = layer["type"]
    if t == "conv2d":
        return F.conv2d(h, w, b, stride=layer.get("stride", 1), padding=layer.get("padding", 0))
    if t == "linear":
        return F.linear(h, w, b)
    if t in ("avgpool", "sumpool"):
        k = layer["kernel"]
        y = F.avg_pool2d(h, k, layer.get("stride") or k)
        return y * (k * k) if t == "sumpool" else y
    if t == "flatten":
        return h.flatten(1)
    if t == "dropout":
        return h
    raise ValueError(f"layer {layer['name']} ({t}) is not a stateless op")


def ones_weight(layer, h):
    """All-ones weights of a weight layer for input ``h`` (for fan-out maps)."""
    if layer["type"] == "conv2d":
        kh, kw = pair(layer["kernel"])
        return torch.ones(layer["outChannels"], h.shape[1], kh, kw)
    return torch.ones(layer["outFeatures"], h.shape[1])


def output_spiking(layers):
    """Index of the last spiking layer when no weight layer follows it (the All-ConvNet's output ReLU), else -1."""
    spiking = [i for i, l in enumerate(layers) if l["type"] in SPIKING]
    if not spiking:
        return -1
    last = spiking[-1]
    return -1 if any(l["type"] in WEIGHT for l in layers[last + 1:]) else last


def fanout_maps(model):
    """Per spiking layer with a receiving weight layer: its per-neuron fan-out map, as src/core/synops/fanout.ts.

    A neuron's fan-out is the number of synapses a spike of it drives in the first weight layer after it,
    reached through pooling, flatten and dropout: the gradient of Σ out with respect to the neuron when the
    weights are all ones and average pools are sum pools (the transposed convolution of ones; a pooled
    spike costs the connections of the unit it lands in; floor-mode pooling drops what falls off).
    Returns ``{layer index: map}``, each map shaped like the layer's output without the batch axis.
    """
    layers = model["layers"]
    shapes = {}
    with torch.no_grad():
        h = torch.zeros(1, *model["input"]["shape"])
        for i, l in enumerate(layers):
            if l["type"] in WEIGHT:
                h = stateless(l, h, ones_weight(l, h))
            elif l["type"] not in SPIKING:
                h = stateless(l, h)
            shapes[i] = tuple(h.shape[1:])
    maps = {}
    for e, l in enumerate(layers):
        if l["type"] not in SPIKING:
            continue
        chain = []
        for j in range(e + 1, len(layers)):
            if layers[j]["type"] in SPIKING:
                chain = []
                break
            chain.append(layers[j])
            if layers[j]["type"] in WEIGHT:
                break
        if not chain or chain[-1]["type"] not in WEIGHT:
            continue
        x = torch.ones(1, *shapes[e], requires_grad=True)
        h = x
        for c in chain:
            if c["type"] in WEIGHT:
                h = stateless(c, h, ones_weight(c, h))
            elif c["type"] in ("avgpool", "sumpool"):
                h = stateless(dict(c, type="sumpool"), h)
            else:
                h = stateless(c, h)
        h.sum().backward()
        maps[e] = x.grad[0].detach().clone()
    return maps


class QReLU(torch.autograd.Function):
    """Forward ``floor(max(x, 0))`` (``floor(max(x, 0) + 1/2)`` for the round quantizer); backward ReLU's gradient."""

    @staticmethod
    def forward(ctx, x, half):
        ctx.save_for_backward(x)
        return torch.floor(torch.relu(x) + half)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return dy * (x > 0).to(dy.dtype), None


class Net(torch.nn.Module):
    """The trainable network of a model file, as src/core/train/net.ts builds it (no biases)."""

    def __init__(self, model, init, seed):
        super().__init__()
        self.model = model
        self.layers = model["layers"]
        self.out_spiking = output_spiking(self.layers)
        self.half = 0.5 if model.get("training", {}).get("quantizer") == "round" else 0.0
        self.params = torch.nn.ParameterDict()
        torch.manual_seed(seed)
        h = torch.zeros(1, *model["input"]["shape"])
        for l in self.layers:
            if l["type"] in WEIGHT:
                if l.get("bias"):
                    raise ValueError(f"layer {l['name']} has a bias; training supports bias-free layers only")
                w = ones_weight(l, h)
                if init is not None:
                    w = init[l["name"]][0].reshape(w.shape)
                else:
                    # Kaiming-uniform, U(-b, b) with b = sqrt(6 / fan_in), as kaimingUniform in net.ts.
                    torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")
                self.params[l["name"]] = torch.nn.Parameter(w.clone())
                h = stateless(l, h, w)
            elif l["type"] not in SPIKING:
                h = stateless(l, h)

    def forward(self, x, skip_output, input_dropout=0.0, quantize=True):
        """Logits ``[N, classes]`` and the output of every spiking layer (QReLU, or ReLU without ``quantize``), by layer index."""
        emitted = {}
        h = F.dropout(x, input_dropout, self.training) if input_dropout else x
        for i, l in enumerate(self.layers):
            t = l["type"]
            if t in SPIKING:
                if i == self.out_spiking and skip_output:
                    continue
                h = QReLU.apply(h, self.half) if quantize else torch.relu(h)
                emitted[i] = h
            elif t == "dropout":
                h = F.dropout(h, l["rate"], self.training)
            elif t in WEIGHT:
                h = stateless(l, h, self.params[l["name"]])
            else:
                h = stateless(l, h)
        return h.flatten(1), emitted


def loss_parts(net, maps, x, y, job, quantize=True):
    """Cross-entropy, S (SynOps per sample of the spiking layers, not the input) and the loss
    ``CE + ((S - S0) / S0)^2``, S the batch mean of Σ_layers Σ_neurons activation · fan-out."""
    logits, emitted = net(x, job.get("skipOutputActivation", True), job.get("inputDropout", 0.0), quantize)
    ce = F.cross_entropy(logits, y)
    s = sum((emitted[e] * m).sum() for e, m in maps.items() if e in emitted) / x.shape[0]
    s0 = job["targetSynops"]
    return ce, s, ce + ((s - s0) / s0) ** 2


def train_input(model, batch, gen):
    """The bench's random batch: event counts floor(U(0, 1) · 2.2), or image pixels U(-1, 1)."""
    shape = (batch, *model["input"]["shape"])
    u = torch.rand(shape, generator=gen)
    return torch.floor(u * 2.2) if model["input"]["kind"] == "events" else u * 2 - 1


def timed_steps(step, warmup, min_steps, seconds):
    """Runs ``warmup`` untimed steps, then timed ones until at least ``min_steps`` and ``seconds`` passed.

    Returns the steps, their wall seconds and the process's CPU seconds over them."""
    for _ in range(warmup):
        step()
    n = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    while n < min_steps or time.perf_counter() - t0 < seconds:
        step()
        n += 1
    return n, time.perf_counter() - t0, time.process_time() - c0


def run_train(job, emit):
    model = job["model"]
    init = weights_of(job["init"]) if job.get("init") else None
    maps = fanout_maps(model)
    totals = [float(m.sum()) for _, m in sorted(maps.items())]
    check = None
    for k, threads in enumerate(job["threads"]):
        torch.set_num_threads(threads)
        net = Net(model, init, job.get("seed", 1))
        if k == 0 and job.get("check"):
            c = job["check"]
            net.eval()
            x, y = floats(c["x"]).reshape(c["shape"]), torch.tensor(c["labels"])
            with torch.no_grad():
                ce, s, loss = loss_parts(net, maps, x, y, job)
                relu_ce, relu_s, _ = loss_parts(net, maps, x, y, job, quantize=False)
            check = {"ce": ce.item(), "synops": s.item(), "loss": loss.item(), "reluCe": relu_ce.item(), "reluSynops": relu_s.item()}
        net.train()
        opt = torch.optim.Adam(net.parameters(), lr=job["lr"])
        gen = torch.Generator().manual_seed(job.get("seed", 1))
        x = train_input(model, job["batch"], gen)
        y = torch.arange(job["batch"]) % 10

        def step():
            opt.zero_grad(set_to_none=True)
            _, _, loss = loss_parts(net, maps, x, y, job)
            loss.backward()
            opt.step()
            loss.item()

        n, secs, cpu = timed_steps(step, job["warmup"], job["minSteps"], job["seconds"])
        emit({"kind": "train", "label": job["label"], "batch": job["batch"], "threads": threads,
              "imagesPerSec": n * job["batch"] / secs, "steps": n, "seconds": secs, "cpuSeconds": cpu, "fanoutTotals": totals,
              "check": check if k == 0 else None})


def iaf(current, neuron):
    """Non-leaky integrate-and-fire through time, as Sinabs' IAF layers (and src/core/sim/neuron.ts) run it.

    ``current`` is ``[T, ...]`` (float32, as Sinabs keeps the membrane); per step: integrate ``v += I``;
    fire ``n = (v > 0) · trunc(v / θ)`` (multi) or ``n = [v - θ >= 0]`` (single); reset ``v -= n·θ``
    (subtract) or ``v = 0`` where ``n > 0`` (zero); then, with a lower bound m, ``v = relu(v - m) + m``.
    Returns the spikes ``[T, ...]``.
    """
    th = neuron["threshold"]
    multi = neuron["spike"] == "multi"
    subtract = neuron["reset"] == "subtract"
    m = neuron.get("minVMem")
    v = torch.zeros_like(current[0])
    out = torch.empty_like(current)
    for t in range(current.shape[0]):
        v = v + current[t]
        s = (v > 0) * torch.div(v, th, rounding_mode="trunc") if multi else (v - th >= 0).to(v.dtype)
        v = v - s * th if subtract else torch.where(s > 0, torch.zeros_like(v), v)
        if m is not None:
            v = torch.relu(v - m) + m
        out[t] = s
    return out


def segments_of(model):
    """The model cut at its spiking layers (as src/core/sim/network.ts): ``[(ops, name)]`` and the tail ops."""
    segs, ops = [], []
    for l in model["layers"]:
        if l["type"] in SPIKING:
            segs.append((ops, l["name"]))
            ops = []
        else:
            ops.append(l)
    layers = model["layers"]
    if model.get("spikingOutput") and layers and layers[-1]["type"] not in SPIKING:
        segs.append((ops, "spike_output"))
        ops = []
    return segs, ops


def frames_of(inp):
    """Dense frames ``[T, C, H, W]`` (float32) of a sparse ``SpikeInput``."""
    T = inp["steps"]
    size = math.prod(inp["shape"])
    counts = torch.tensor(inp["stepStart"], dtype=torch.long).diff()
    step = torch.repeat_interleave(torch.arange(T), counts)
    frames = torch.zeros(T * size, dtype=torch.float32)
    frames[step * size + torch.tensor(inp["index"], dtype=torch.long)] = torch.tensor(inp["value"], dtype=torch.float32)
    return frames.reshape(T, *inp["shape"])


def simulate(model, weights, frames, neuron):
    """The Sinabs way: each segment's ops on all T steps at once (time folded into the batch), then the IAF
    loop over time; per spiking layer its total spikes, and the network output summed over time."""
    segs, tail = segments_of(model)
    x = frames
    layers = []
    with torch.no_grad():
        for ops, name in segs:
            for l in ops:
                x = stateless(l, x, *weights.get(l["name"], (None, None)))
            x = iaf(x, neuron)
            layers.append({"name": name, "total": x.sum(dtype=torch.float64).item()})
        for l in tail:
            x = stateless(l, x, *weights.get(l["name"], (None, None)))
    return layers, x.sum(0)


def run_sim(job, emit):
    model = job["model"]
    weights = weights_of(job["weights"])
    frames = frames_of(job["input"])
    for threads in job["threads"]:
        torch.set_num_threads(threads)
        t0 = time.perf_counter()
        layers, _ = simulate(model, weights, frames, job["neuron"])
        first = time.perf_counter() - t0
        times = []
        t_start = time.perf_counter()
        while len(times) < job["reps"] and (len(times) < 3 or time.perf_counter() - t_start < job["seconds"]):
            t0 = time.perf_counter()
            simulate(model, weights, frames, job["neuron"])
            times.append(time.perf_counter() - t0)
        emit({"kind": "sim", "label": job["label"], "threads": threads, "ms": 1000 * statistics.median(times),
              "firstMs": 1000 * first, "reps": len(times), "times": [1000 * t for t in times], "layers": layers})


def main():
    spec = json.load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)

    def emit(obj):
        print(json.dumps(obj), flush=True)

    torch.set_num_interop_threads(1)
    emit({"kind": "env", "python": platform.python_version(), "torch": torch.__version__, "cpus": os.cpu_count()})
    for kind, run in (("sim", run_sim), ("train", run_train)):
        for job in spec.get(kind, []):
            try:
                run(job, emit)
            except Exception as e:  # one failed job must not hide the others' results
                emit({"kind": "error", "label": job.get("label"), "message": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Reference probabilities of the EfficientAT AudioSet tagger, computed without ONNX Runtime.

A second implementation: the ONNX graph evaluated node by node in numpy (Debian's python3-onnx reads the
model, python3-numpy does the arithmetic), on windows of real recordings resampled to 32 kHz by ffmpeg.
Writes tests/StreamFusion.Tests/Fixtures/sound_tagger_reference.json.

    /usr/bin/python3 tests/StreamFusion.Tests/Fixtures/make_sound_tagger_reference.py ../shared
"""
import hashlib, json, subprocess, sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

ASSETS = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
MODEL = ASSETS / "models/efficientat_mn04_as.onnx"
WINDOWS = [("media/sounds/train.wav", 2.0), ("media/sounds/typing.wav", 4.0), ("media/jfk.wav", 1.0)]
SECONDS, RATE = 3.0, 32000


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b, a):
    if x.ndim == 3:  # 1-D: as 2-D with a height of one
        a = dict(a, strides=[1] + list(a.get("strides", [1])), dilations=[1] + list(a.get("dilations", [1])),
                 pads=[0, a.get("pads", [0, 0])[0], 0, a.get("pads", [0, 0])[1]])
        return conv(x[:, :, None, :], w[:, :, None, :], b, a)[:, :, 0, :]
    group, strides = a.get("group", 1), a.get("strides", [1, 1])
    dil = a.get("dilations", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    oh = (h - dil[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd - dil[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((n, m, oh, ow), dtype=np.float64)
    mg = m // group
    for g in range(group):
        xs = x[:, g * cg:(g + 1) * cg]
        ws = w[g * mg:(g + 1) * mg].astype(np.float64)
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dil[0]: i * dil[0] + strides[0] * oh: strides[0], j * dil[1]: j * dil[1] + strides[1] * ow: strides[1]]
                out[:, g * mg:(g + 1) * mg] += np.einsum("nchw,mc->nmhw", patch, ws[:, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def run(model, feeds):
    values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    values.update(feeds)
    for node in model.graph.node:
        a = attrs(node)
        x = [values[name] if name else None for name in node.input]
        op = node.op_type
        if op == "Constant": y = numpy_helper.to_array(a["value"])
        elif op in ("Add", "Mul", "Div", "Pow"): y = {"Add": np.add, "Mul": np.multiply, "Div": np.divide, "Pow": np.power}[op](x[0], x[1])
        elif op == "MatMul": y = np.matmul(x[0], x[1])
        elif op == "Log": y = np.log(x[0])
        elif op == "Relu": y = np.maximum(x[0], 0)
        elif op == "Sigmoid": y = 1 / (1 + np.exp(-x[0]))
        elif op == "HardSigmoid": y = np.clip(a.get("alpha", 0.2) * x[0] + a.get("beta", 0.5), 0, 1)
        elif op == "Cast":
            y = x[0].astype({1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}[a["to"]])
        elif op == "Shape": y = np.array(x[0].shape, dtype=np.int64)
        elif op == "ConstantOfShape":
            fill = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            y = np.full(tuple(x[0].astype(int)), fill.reshape(-1)[0], dtype=fill.dtype)
        elif op == "Gather": y = np.take(x[0], x[1].astype(np.int64), axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            y = x[0]
            for axis in sorted(int(v) for v in x[1]): y = np.expand_dims(y, axis if axis >= 0 else axis + y.ndim + 1)
        elif op == "Squeeze": y = np.squeeze(x[0], axis=tuple(int(v) for v in x[1]) if len(x) > 1 and x[1] is not None else None)
        elif op == "Concat": y = np.concatenate(x, axis=a["axis"])
        elif op == "Reshape":
            shape = [int(d) if int(d) != 0 else x[0].shape[i] for i, d in enumerate(x[1])]
            y = x[0].reshape(shape)
        elif op == "Transpose": y = np.transpose(x[0], a.get("perm"))
        elif op == "Flatten":
            axis = a.get("axis", 1)
            y = x[0].reshape(int(np.prod(x[0].shape[:axis])), -1)
        elif op == "Slice":
            starts, ends = x[1], x[2]
            axes = x[3] if len(x) > 3 and x[3] is not None else range(len(starts))
            steps = x[4] if len(x) > 4 and x[4] is not None else [1] * len(starts)
            index = [slice(None)] * x[0].ndim
            for s, e, ax, st in zip(starts, ends, axes, steps):
                index[int(ax)] = slice(int(s), int(max(min(e, 2**62), -2**62)), int(st))
            y = x[0][tuple(index)]
        elif op == "Pad":
            pads = x[1].astype(int)
            rank = x[0].ndim
            width = [(pads[i], pads[i + rank]) for i in range(rank)]
            mode = a.get("mode", b"constant")
            mode = mode.decode() if isinstance(mode, bytes) else mode
            if mode == "constant":
                value = x[2].reshape(-1)[0] if len(x) > 2 and x[2] is not None and x[2].size else 0
                y = np.pad(x[0], width, mode="constant", constant_values=value)
            else:
                y = np.pad(x[0], width, mode={"reflect": "reflect", "edge": "edge"}[mode])
        elif op in ("ReduceMean", "ReduceMax"):
            axes = tuple(a["axes"]) if "axes" in a else None
            y = (np.mean if op == "ReduceMean" else np.max)(x[0], axis=axes, keepdims=bool(a.get("keepdims", 1)))
        elif op == "GlobalAveragePool": y = x[0].mean(axis=tuple(range(2, x[0].ndim)), keepdims=True)
        elif op == "Conv": y = conv(x[0], x[1], x[2] if len(x) > 2 else None, a)
        elif op == "Gemm":
            A = x[0].T if a.get("transA", 0) else x[0]
            B = x[1].T if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (A @ B) + (a.get("beta", 1.0) * x[2] if len(x) > 2 and x[2] is not None else 0)
        else:
            raise SystemExit(f"unsupported op {op}")
        if isinstance(y, np.ndarray) and y.dtype == np.float32: y = y.astype(np.float64)  # evaluate in double precision
        values[node.output[0]] = y
    return [values[o.name] for o in model.graph.output]


def window(path, start):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(start), "-t", str(SECONDS), "-i", str(ASSETS / path),
                          "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"], check=True, capture_output=True).stdout
    samples = np.frombuffer(raw, dtype=np.float32)
    assert len(samples) >= SECONDS * RATE - 1, (path, len(samples))
    return np.pad(samples, (0, int(SECONDS * RATE) - len(samples)))[: int(SECONDS * RATE)]


model = onnx.load(str(MODEL))
labels = [line.split(",", 2)[2].strip().strip('"') for line in (ASSETS / "models/audioset_class_labels_indices.csv").read_text().splitlines()[1:]]
cases = []
for path, start in WINDOWS:
    samples = window(path, start)
    probs, embedding = run(model, {"waveform": samples[None, :].astype(np.float32)})
    top = np.argsort(-probs[0])[:5]
    print(path, start, [(labels[i], round(float(probs[0, i]), 4)) for i in top])
    # The test decodes the same window with the same ffmpeg command; the hash says it got the same samples.
    cases.append({"file": path, "start": start, "seconds": SECONDS, "samples_sha256": hashlib.sha256(samples.astype("<f4").tobytes()).hexdigest(),
                  "probs": [round(float(v), 7) for v in probs[0]], "embedding_head": [round(float(v), 7) for v in embedding[0, :16]]})
out = Path(__file__).with_name("sound_tagger_reference.json")
out.write_text(json.dumps({"model": "efficientat_mn04_as.onnx", "rate": RATE, "cases": cases}))
print("wrote", out)

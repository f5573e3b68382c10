#!/usr/bin/python3
"""Reference YOLOX-nano detections from an independent implementation (OpenCV's cv2.dnn + numpy),
committed as yolox_reference.json. Run once with Debian's python3-opencv; never at test time:
    /usr/bin/python3 tests/StreamFusion.Tests/Fixtures/make_yolox_reference.py ../shared
"""
import json
import subprocess
import sys

import cv2
import numpy as np

SIZE = 416
STRIDES = (8, 16, 32)
SCORE_THRESHOLD = 0.3
NMS_IOU = 0.45
FRAMES = {  # file -> decoded frame indices (decode order, as ffmpeg -fps_mode passthrough numbers them)
    "one-by-one-person-detection.mp4": [250, 500, 800, 1100],
    "car-detection.mp4": [200, 230],
}


def frame_bgr(path, index):
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-an", "-vf", f"select=eq(n\\,{index})",
                          "-fps_mode", "passthrough", "-frames:v", "1", "-pix_fmt", "bgr24", "-f", "rawvideo", "-"],
                         check=True, capture_output=True).stdout
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                            "-of", "csv=p=0", path], check=True, capture_output=True, text=True).stdout
    w, h = map(int, probe.strip().split(","))
    return np.frombuffer(out, np.uint8).reshape(h, w, 3)


def letterbox(img):
    h, w = img.shape[:2]
    r = min(SIZE / h, SIZE / w)
    resized = cv2.resize(img, (int(w * r), int(h * r)), interpolation=cv2.INTER_LINEAR)
    padded = np.full((SIZE, SIZE, 3), 114, np.uint8)
    padded[: resized.shape[0], : resized.shape[1]] = resized
    return padded, r


def decode(raw, ratio):
    grids, strides = [], []
    for s in STRIDES:
        n = SIZE // s
        ys, xs = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        grids.append(np.stack([xs, ys], -1).reshape(-1, 2))
        strides.append(np.full((n * n, 1), s))
    grid, stride = np.concatenate(grids), np.concatenate(strides)
    xy = (raw[:, :2] + grid) * stride
    wh = np.exp(raw[:, 2:4]) * stride
    scores = raw[:, 4:5] * raw[:, 5:]
    boxes = np.concatenate([xy - wh / 2, wh], 1) / ratio
    results = []
    for cls in range(scores.shape[1]):
        keep = np.where(scores[:, cls] > SCORE_THRESHOLD)[0]
        if keep.size == 0:
            continue
        chosen = cv2.dnn.NMSBoxes(boxes[keep].tolist(), scores[keep, cls].tolist(), SCORE_THRESHOLD, NMS_IOU)
        for i in np.array(chosen).flatten():
            k = keep[i]
            results.append({"class": cls, "score": round(float(scores[k, cls]), 4), "box": [round(float(v), 2) for v in boxes[k]]})
    return sorted(results, key=lambda d: -d["score"])


def main(assets):
    net = cv2.dnn.readNetFromONNX(f"{assets}/models/yolox_nano.onnx")
    labels = open(f"{assets}/models/coco_classes.txt").read().split("\n")
    fixture = {"generator": f"OpenCV {cv2.__version__} cv2.dnn, numpy decode", "score_threshold": SCORE_THRESHOLD,
               "nms_iou": NMS_IOU, "frames": []}
    for name, indices in FRAMES.items():
        for index in indices:
            img = frame_bgr(f"{assets}/media/{name}", index)
            padded, ratio = letterbox(img)
            net.setInput(padded.transpose(2, 0, 1)[None].astype(np.float32))
            raw = net.forward()[0]
            detections = decode(raw, ratio)
            for d in detections:
                d["label"] = labels[d.pop("class")].strip()
            fixture["frames"].append({"file": name, "index": index, "detections": detections})
            print(name, index, [(d["label"], d["score"]) for d in detections], file=sys.stderr)
    json.dump(fixture, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared")

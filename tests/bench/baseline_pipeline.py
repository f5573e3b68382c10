#!/usr/bin/python3
"""The pipeline a user would write instead of StreamFusion, for `streamfusion bench pipeline` to run beside it:
OpenCV VideoCapture -> the same YOLOX-nano through cv2.dnn -> one JSON message per frame to Kafka with
confluent-kafka (idempotent, acks=all). Debian's python3-opencv and python3-confluent-kafka; prints one JSON
line with what it did.
    /usr/bin/python3 tests/bench/baseline_pipeline.py VIDEO MODEL --kafka HOST:PORT [--topic T] [--frames N]
"""
import argparse
import json
import time

import cv2
import numpy as np
from confluent_kafka import Producer

SIZE, STRIDES, SCORE, NMS_IOU = 416, (8, 16, 32), 0.3, 0.45


def letterbox(img):
    h, w = img.shape[:2]
    r = min(SIZE / h, SIZE / w)
    resized = cv2.resize(img, (int(w * r), int(h * r)), interpolation=cv2.INTER_LINEAR)
    padded = np.full((SIZE, SIZE, 3), 114, np.uint8)
    padded[: resized.shape[0], : resized.shape[1]] = resized
    return padded, r


def grids():
    g, s = [], []
    for stride in STRIDES:
        n = SIZE // stride
        ys, xs = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        g.append(np.stack([xs, ys], -1).reshape(-1, 2))
        s.append(np.full((n * n, 1), stride))
    return np.concatenate(g), np.concatenate(s)


def detect(net, img, grid, stride):
    padded, ratio = letterbox(img)
    net.setInput(padded.transpose(2, 0, 1)[None].astype(np.float32))
    raw = net.forward()[0]
    xy = (raw[:, :2] + grid) * stride
    wh = np.exp(raw[:, 2:4]) * stride
    scores = raw[:, 4:5] * raw[:, 5:]
    boxes = np.concatenate([xy - wh / 2, wh], 1) / ratio
    best = scores.argmax(1)
    best_score = scores[np.arange(len(best)), best]
    keep = np.where(best_score > SCORE)[0]
    if keep.size == 0:
        return []
    found = []
    for cls in np.unique(best[keep]):  # class-aware NMS, as the pipeline does
        members = keep[best[keep] == cls]
        chosen = cv2.dnn.NMSBoxes(boxes[members].tolist(), best_score[members].tolist(), SCORE, NMS_IOU)
        found += [{"class": int(cls), "score": float(best_score[members[i]]), "box": boxes[members[i]].tolist()} for i in np.array(chosen).flatten()]
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("video")
    parser.add_argument("model")
    parser.add_argument("--kafka", required=True)
    parser.add_argument("--topic", default="baseline.detections")
    parser.add_argument("--frames", type=int, default=0)
    args = parser.parse_args()
    cv2.setNumThreads(2)
    net = cv2.dnn.readNetFromONNX(args.model)
    producer = Producer({"bootstrap.servers": args.kafka, "enable.idempotence": True, "acks": "all", "linger.ms": 5})
    grid, stride = grids()
    capture = cv2.VideoCapture(args.video)
    start, frames = time.perf_counter(), 0
    while args.frames == 0 or frames < args.frames:
        ok, img = capture.read()
        if not ok:
            break
        pts = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000
        producer.produce(args.topic, key="camera", value=json.dumps({"pts": pts, "objects": detect(net, img, grid, stride)}))
        producer.poll(0)
        frames += 1
    producer.flush(60)
    seconds = time.perf_counter() - start
    print(json.dumps({"frames": frames, "seconds": seconds, "fps": frames / seconds, "records": frames}))


if __name__ == "__main__":
    main()

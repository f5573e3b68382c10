#!/usr/bin/python3
"""A service that consumes StreamFusion detections and raises alerts: the pattern other services follow.

    /usr/bin/python3 samples/consumer/detections_consumer.py --kafka 127.0.0.1:9092 [--min-severity medium]

What it shows:
  * a consumer group ("alerting"), so several instances share the topic's partitions;
  * per-camera order: the key is the camera id, so one camera's records arrive in window order;
  * at-least-once: offsets are committed only after a record is handled; a restart may see a record again,
    so records are de-duplicated by (id, revision) -- id is "camera@window-start", revision counts corrections;
  * corrections: a late transcript re-issues a window with revision+1, which replaces the earlier one;
  * headers: schema (streamfusion.detection.v1), camera, pts, capture_time, trace_id/traceparent.
Prints one JSON line per alert on stdout. Needs Debian's python3-confluent-kafka.
"""
import argparse
import collections
import json
import sys

from confluent_kafka import Consumer, KafkaError

SEVERITIES = ["none", "low", "medium", "high"]
SCHEMA = "streamfusion.detection.v1"


class Deduplicator:
    """Remembers the last N (id, revision) pairs seen; a redelivered record is dropped."""

    def __init__(self, size=100_000):
        self.seen = collections.OrderedDict()
        self.size = size

    def first_time(self, key):
        if key in self.seen:
            return False
        self.seen[key] = True
        if len(self.seen) > self.size:
            self.seen.popitem(last=False)
        return True


def alert_for(record, min_severity):
    """The alert a record raises, or None."""
    fused = record["fused"]
    if SEVERITIES.index(fused["severity"]) < SEVERITIES.index(min_severity):
        return None
    incident = record.get("incident") or {}
    return {
        "camera": record["camera"],
        "window": [record["window"]["start"], record["window"]["end"]],
        "severity": fused["severity"],
        "score": fused["score"],
        "reasons": fused["reasons"],
        "incident": incident.get("id"),
        "incident_state": incident.get("state"),
        "correction": record["revision"] > 0,
        "labels": sorted({o["label"] for o in record["objects"]}),
        "keywords": record["transcript"]["keywords"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kafka", required=True, help="bootstrap servers")
    parser.add_argument("--topic", default="streamfusion.detections")
    parser.add_argument("--group", default="alerting")
    parser.add_argument("--min-severity", default="medium", choices=SEVERITIES)
    parser.add_argument("--from-beginning", action="store_true", help="a new group starts at the oldest record")
    parser.add_argument("--max", type=int, default=0, help="stop after this many records (0: run until Ctrl+C)")
    args = parser.parse_args()

    consumer = Consumer({
        "bootstrap.servers": args.kafka,
        "group.id": args.group,
        "auto.offset.reset": "earliest" if args.from_beginning else "latest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.topic])
    dedupe, handled, skipped = Deduplicator(), 0, 0
    try:
        while args.max == 0 or handled + skipped < args.max:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                if message.error().code() != KafkaError._PARTITION_EOF:
                    print(f"kafka: {message.error()}", file=sys.stderr)
                continue
            headers = {k: v.decode() for k, v in (message.headers() or [])}
            if headers.get("schema") != SCHEMA:
                print(f"skipping a record with schema {headers.get('schema')!r}", file=sys.stderr)
                skipped += 1
            else:
                record = json.loads(message.value())
                if dedupe.first_time((record["id"], record["revision"])):
                    alert = alert_for(record, args.min_severity)
                    if alert:
                        alert["trace_id"] = headers.get("trace_id")
                        print(json.dumps(alert), flush=True)
                    handled += 1
                else:
                    skipped += 1
            consumer.commit(message=message, asynchronous=False)  # handled, so never needed again
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    print(f"{handled} records handled, {skipped} skipped", file=sys.stderr)


if __name__ == "__main__":
    main()

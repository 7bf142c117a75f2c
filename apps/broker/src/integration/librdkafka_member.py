"""A librdkafka (python3-confluent-kafka) group member for groups.int-spec.ts; Debian's python3.

  librdkafka_member.py <bootstrap> <topic> <group> <group.instance.id or ''>

Prints a JSON line per assignment ({"assigned": [partitions]}) and per record ({"value": ...}),
and runs until it is killed.
"""
import json
import sys

from confluent_kafka import Consumer

bootstrap, topic, group, instance = sys.argv[1:5]
conf = {
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "session.timeout.ms": 10000,
    "heartbeat.interval.ms": 500,
    "auto.offset.reset": "earliest",
    "enable.auto.commit": True,
    "auto.commit.interval.ms": 200,
}
if instance:
    conf["group.instance.id"] = instance
consumer = Consumer(conf)


def on_assign(_consumer, partitions):
    print(json.dumps({"assigned": sorted(p.partition for p in partitions)}), flush=True)


def on_revoke(_consumer, partitions):
    print(json.dumps({"revoked": sorted(p.partition for p in partitions)}), flush=True)


consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
while True:
    msg = consumer.poll(0.2)
    if msg is not None and not msg.error():
        print(json.dumps({"value": msg.value().decode()}), flush=True)

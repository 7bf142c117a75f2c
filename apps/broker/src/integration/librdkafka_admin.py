"""librdkafka's AdminClient against the broker, for admin.int-spec.ts. Run with Debian's python3.

  configs <bootstrap>                    topics and configs through python3-confluent-kafka
  records <bootstrap> <topic> <group>    DeleteRecords, OffsetDelete and DeleteGroups through the
                                         librdkafka C API (the 1.7 Python binding does not wrap them)

Prints one JSON object.
"""
import ctypes as C
import json
import sys

from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic


def error_text(fn):
    try:
        fn()
        return None
    except Exception as e:  # KafkaException carries librdkafka's error with the broker's message
        return str(e)


def describe(admin, kind, name):
    (future,) = admin.describe_configs([ConfigResource(kind, name)]).values()
    return {k: {"value": v.value, "source": int(v.source), "read_only": bool(v.is_read_only)}
            for k, v in future.result(timeout=15).items()}


def configs(bootstrap):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    out = {}
    topic = NewTopic("lib-topic", num_partitions=1, replication_factor=1,
                     config={"retention.ms": "60000", "cleanup.policy": "compact"})
    admin.create_topics([topic])["lib-topic"].result(timeout=15)
    bad = NewTopic("lib-bad", num_partitions=1, replication_factor=1, config={"min.insync.replicas": "2"})
    out["unsupported"] = error_text(lambda: admin.create_topics([bad])["lib-bad"].result(timeout=15))
    out["created"] = describe(admin, "topic", "lib-topic")
    out["broker"] = describe(admin, "broker", "1")
    res = ConfigResource("topic", "lib-topic", set_config={"retention.ms": "120000", "segment.ms": "3600000"})
    admin.alter_configs([res])[res].result(timeout=15)
    out["altered"] = describe(admin, "topic", "lib-topic")
    res = ConfigResource("topic", "lib-topic", set_config={"segment.bytes": "3000000000"})
    out["bad_alter"] = error_text(lambda: admin.alter_configs([res])[res].result(timeout=15))
    res = ConfigResource("broker", "1", set_config={"log.retention.ms": "1"})
    out["broker_alter"] = error_text(lambda: admin.alter_configs([res])[res].result(timeout=15))
    admin.create_partitions([NewPartitions("lib-topic", 3)])["lib-topic"].result(timeout=15)
    out["shrink"] = error_text(
        lambda: admin.create_partitions([NewPartitions("lib-topic", 2)])["lib-topic"].result(timeout=15))
    out["partitions"] = len(admin.list_topics(timeout=15).topics["lib-topic"].partitions)
    return out


class TP(C.Structure):
    _fields_ = [("topic", C.c_char_p), ("partition", C.c_int32), ("offset", C.c_int64),
                ("metadata", C.c_void_p), ("metadata_size", C.c_size_t), ("opaque", C.c_void_p),
                ("err", C.c_int), ("_private", C.c_void_p)]


class TPL(C.Structure):
    _fields_ = [("cnt", C.c_int), ("size", C.c_int), ("elems", C.POINTER(TP))]


def librdkafka():
    lib = C.CDLL("librdkafka.so.1")
    sigs = {
        "rd_kafka_conf_new": (C.c_void_p, []),
        "rd_kafka_conf_set": (C.c_int, [C.c_void_p, C.c_char_p, C.c_char_p, C.c_char_p, C.c_size_t]),
        "rd_kafka_new": (C.c_void_p, [C.c_int, C.c_void_p, C.c_char_p, C.c_size_t]),
        "rd_kafka_destroy": (None, [C.c_void_p]),
        "rd_kafka_queue_new": (C.c_void_p, [C.c_void_p]),
        "rd_kafka_queue_poll": (C.c_void_p, [C.c_void_p, C.c_int]),
        "rd_kafka_event_error": (C.c_int, [C.c_void_p]),
        "rd_kafka_event_error_string": (C.c_char_p, [C.c_void_p]),
        "rd_kafka_err2name": (C.c_char_p, [C.c_int]),
        "rd_kafka_topic_partition_list_new": (C.POINTER(TPL), [C.c_int]),
        "rd_kafka_topic_partition_list_add": (C.POINTER(TP), [C.POINTER(TPL), C.c_char_p, C.c_int32]),
        "rd_kafka_DeleteRecords_new": (C.c_void_p, [C.POINTER(TPL)]),
        "rd_kafka_DeleteRecords": (None, [C.c_void_p, C.POINTER(C.c_void_p), C.c_size_t, C.c_void_p, C.c_void_p]),
        "rd_kafka_event_DeleteRecords_result": (C.c_void_p, [C.c_void_p]),
        "rd_kafka_DeleteRecords_result_offsets": (C.POINTER(TPL), [C.c_void_p]),
        "rd_kafka_DeleteConsumerGroupOffsets_new": (C.c_void_p, [C.c_char_p, C.POINTER(TPL)]),
        "rd_kafka_DeleteConsumerGroupOffsets": (
            None, [C.c_void_p, C.POINTER(C.c_void_p), C.c_size_t, C.c_void_p, C.c_void_p]),
        "rd_kafka_event_DeleteConsumerGroupOffsets_result": (C.c_void_p, [C.c_void_p]),
        "rd_kafka_DeleteConsumerGroupOffsets_result_groups": (
            C.POINTER(C.c_void_p), [C.c_void_p, C.POINTER(C.c_size_t)]),
        "rd_kafka_DeleteGroup_new": (C.c_void_p, [C.c_char_p]),
        "rd_kafka_DeleteGroups": (None, [C.c_void_p, C.POINTER(C.c_void_p), C.c_size_t, C.c_void_p, C.c_void_p]),
        "rd_kafka_event_DeleteGroups_result": (C.c_void_p, [C.c_void_p]),
        "rd_kafka_DeleteGroups_result_groups": (C.POINTER(C.c_void_p), [C.c_void_p, C.POINTER(C.c_size_t)]),
        "rd_kafka_group_result_error": (C.c_void_p, [C.c_void_p]),
        "rd_kafka_group_result_partitions": (C.POINTER(TPL), [C.c_void_p]),
        "rd_kafka_error_code": (C.c_int, [C.c_void_p]),
        "rd_kafka_error_string": (C.c_char_p, [C.c_void_p]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib


def records(bootstrap, topic, group):
    lib = librdkafka()
    conf = lib.rd_kafka_conf_new()
    err = C.create_string_buffer(512)
    lib.rd_kafka_conf_set(conf, b"bootstrap.servers", bootstrap.encode(), err, 512)
    rk = lib.rd_kafka_new(0, conf, err, 512)  # RD_KAFKA_PRODUCER
    queue = lib.rd_kafka_queue_new(rk)

    def wait():
        ev = lib.rd_kafka_queue_poll(queue, 20000)
        if not ev:
            raise RuntimeError("no admin result within 20 s")
        if lib.rd_kafka_event_error(ev):
            raise RuntimeError(lib.rd_kafka_event_error_string(ev).decode())
        return ev

    def partitions(tpl):
        return [{"partition": tpl.contents.elems[i].partition, "offset": tpl.contents.elems[i].offset,
                 "error": lib.rd_kafka_err2name(tpl.contents.elems[i].err).decode()}
                for i in range(tpl.contents.cnt)]

    def group_errors(groups, cnt):
        out = []
        for i in range(cnt.value):
            e = lib.rd_kafka_group_result_error(groups[i])
            out.append(lib.rd_kafka_error_string(e).decode() if e else None)
        return out

    out = {}
    before = lib.rd_kafka_topic_partition_list_new(1)
    lib.rd_kafka_topic_partition_list_add(before, topic.encode(), 0).contents.offset = 3
    req = (C.c_void_p * 1)(lib.rd_kafka_DeleteRecords_new(before))
    lib.rd_kafka_DeleteRecords(rk, req, 1, None, queue)
    out["delete_records"] = partitions(
        lib.rd_kafka_DeleteRecords_result_offsets(lib.rd_kafka_event_DeleteRecords_result(wait())))

    parts = lib.rd_kafka_topic_partition_list_new(1)
    lib.rd_kafka_topic_partition_list_add(parts, topic.encode(), 0)
    req = (C.c_void_p * 1)(lib.rd_kafka_DeleteConsumerGroupOffsets_new(group.encode(), parts))
    lib.rd_kafka_DeleteConsumerGroupOffsets(rk, req, 1, None, queue)
    cnt = C.c_size_t()
    groups = lib.rd_kafka_DeleteConsumerGroupOffsets_result_groups(
        lib.rd_kafka_event_DeleteConsumerGroupOffsets_result(wait()), C.byref(cnt))
    out["offset_delete"] = partitions(lib.rd_kafka_group_result_partitions(groups[0]))

    req = (C.c_void_p * 2)(lib.rd_kafka_DeleteGroup_new(group.encode()), lib.rd_kafka_DeleteGroup_new(b"no-such-group"))
    lib.rd_kafka_DeleteGroups(rk, req, 2, None, queue)
    cnt = C.c_size_t()
    groups = lib.rd_kafka_DeleteGroups_result_groups(lib.rd_kafka_event_DeleteGroups_result(wait()), C.byref(cnt))
    out["delete_groups"] = group_errors(groups, cnt)
    lib.rd_kafka_destroy(rk)
    return out


if __name__ == "__main__":
    what, bootstrap = sys.argv[1], sys.argv[2]
    result = configs(bootstrap) if what == "configs" else records(bootstrap, sys.argv[3], sys.argv[4])
    print(json.dumps(result))

"""kafka-python 2.0.2 (Debian python3-kafka): produce N keyed messages with acks=all to a topic
with auto-created partitions, then read every partition back by assignment (no groups) and
print one JSON summary line. Run with /usr/bin/python3 BROKER TOPIC N."""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

broker, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
producer = KafkaProducer(bootstrap_servers=broker, acks='all', linger_ms=5)
futures = [producer.send(topic, key=b'k%d' % i, value=b'v%d' % i) for i in range(n)]
producer.flush()
acked = sum(1 for f in futures if f.get(timeout=30) is not None)
producer.close()

consumer = KafkaConsumer(bootstrap_servers=broker, enable_auto_commit=False, consumer_timeout_ms=3000,
                         auto_offset_reset='earliest')
partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
consumer.assign(partitions)
consumer.seek_to_beginning()
seen = {}
ok = True
for m in consumer:
    expect_offset = seen.get(m.partition, -1) + 1
    if m.offset != expect_offset or m.value != b'v' + m.key[1:]:
        ok = False
    seen[m.partition] = m.offset
read = sum(off + 1 for off in seen.values())
consumer.close()
print(json.dumps({'acked': acked, 'read': read, 'partitions': len(partitions), 'ok': ok}))

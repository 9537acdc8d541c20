"""kafka-python 2.0.2 (Debian python3-kafka) as one consumer-group member, for group-scenario.ts.
Run with /usr/bin/python3 BROKER TOPIC GROUP SESSION_MS. Prints `m <partition> <offset>` per
delivered message and `c <partition> <offset>` once a synchronous commit of that position is
acknowledged; commits after every poll, so a restart resumes exactly after the last `c` line."""
import signal
import sys

from kafka import KafkaConsumer, OffsetAndMetadata

broker, topic, group, session_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(
    topic,
    bootstrap_servers=broker,
    group_id=group,
    enable_auto_commit=False,
    auto_offset_reset='earliest',
    session_timeout_ms=session_ms,
    heartbeat_interval_ms=500,
    max_poll_interval_ms=session_ms * 2,
    fetch_max_wait_ms=200,
)
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
print('ready', flush=True)
while running:
    polled = consumer.poll(timeout_ms=200)
    positions = {}
    for tp, messages in polled.items():
        for m in messages:
            sys.stdout.write('m %d %d\n' % (m.partition, m.offset))
            positions[tp] = m.offset + 1
    sys.stdout.flush()
    if positions:
        try:
            consumer.commit({tp: OffsetAndMetadata(o, None) for tp, o in positions.items()})
        except Exception as e:  # a rebalance: these positions are not committed, say nothing
            sys.stderr.write('commit failed: %r\n' % (e,))
            continue
        for tp, o in positions.items():
            sys.stdout.write('c %d %d\n' % (tp.partition, o))
        sys.stdout.flush()
consumer.close()

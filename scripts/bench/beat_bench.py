"""The Python side of scripts/bench/beat.ts: a Celery app whose beat_schedule has N entries, each
due every 10 seconds (timedelta(seconds=10)), all routed to one queue.

Environment: BEAT_BENCH_BROKER (Redis URL), BEAT_BENCH_COUNT (N), BEAT_BENCH_QUEUE.
"""
import os
from datetime import timedelta

from celery import Celery

app = Celery('beat_bench', broker=os.environ['BEAT_BENCH_BROKER'])
app.conf.update(timezone='UTC', broker_connection_retry_on_startup=True)
app.conf.beat_schedule = {
    f'bench-{i}': {
        'task': 'bench.noop',
        'schedule': timedelta(seconds=10),
        'options': {'queue': os.environ['BEAT_BENCH_QUEUE']},
    }
    for i in range(int(os.environ['BEAT_BENCH_COUNT']))
}

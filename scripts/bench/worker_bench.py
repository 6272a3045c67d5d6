"""The Python side of scripts/bench/worker.ts: a no-op task for a Celery prefork worker.

Environment: CELERIAC_BENCH_BROKER (Redis URL, also the result backend).
"""
import os

from celery import Celery

URL = os.environ['CELERIAC_BENCH_BROKER']
app = Celery('worker_bench', broker=URL, backend=URL)
app.conf.update(accept_content=['json'], result_accept_content=['json'], broker_connection_retry_on_startup=True)


@app.task(name='bench.noop')
def noop():
    return None

"""A Celery 5 app for the worker interop tests (test/interop/worker-*.test.ts).

As a worker module (`celery -A celeriac_worker_interop worker`) it runs `py.*` tasks and its half of
the mixed fleet (`fleet.record`). As a script it is a Python client of a celeriac worker:
`python celeriac_worker_interop.py SCENARIO QUEUE` prints one JSON line with what Python saw.

Environment: CELERIAC_INTEROP_BROKER (Redis URL, also the result backend), CELERIAC_INTEROP_RECORD
(the Redis list the fleet task appends to).
"""
import json
import os
import sys

import redis
from celery import Celery, chain

BROKER = os.environ['CELERIAC_INTEROP_BROKER']
RECORD = os.environ.get('CELERIAC_INTEROP_RECORD', 'celeriac-worker-interop.record')

app = Celery('celeriac_worker_interop', broker=BROKER, backend=BROKER)
app.conf.update(
    accept_content=['json'],
    result_accept_content=['json'],
    worker_prefetch_multiplier=4,
    broker_connection_retry_on_startup=True,
)
recorder = redis.Redis.from_url(BROKER)


@app.task(name='py.mul')
def mul(x, y):
    return x * y


@app.task(name='py.fail')
def fail():
    return 1 / 0


@app.task(name='fleet.record', bind=True)
def fleet_record(self, n):
    recorder.rpush(RECORD, json.dumps({'id': self.request.id, 'n': n, 'by': 'python'}))
    return n


def describe_error(error):
    return {'type': type(error).__name__, 'module': type(error).__module__, 'args': list(error.args),
            'is_type_error': isinstance(error, TypeError)}


def scenario(name, queue):
    """What a Python client gets back from tasks run by a celeriac worker."""
    if name == 'add':
        result = app.send_task('tasks.add', (2, 3), queue=queue)
        return {'value': result.get(timeout=15), 'state': result.state, 'date_done': str(result.date_done)}
    if name == 'failures':
        out = {}
        for task in ('tasks.fail', 'tasks.type_error'):
            try:
                app.send_task(task, ('from python',), queue=queue).get(timeout=15)
                out[task] = 'no error'
            except Exception as error:  # the task's failure, rebuilt by Celery
                out[task] = describe_error(error)
        return out
    if name == 'chain':
        add = app.signature('tasks.add', options={'queue': queue})
        result = chain(add.clone((1, 2)), add.clone((10,)), add.clone((100,))).apply_async(queue=queue)
        return {'value': result.get(timeout=15), 'parent_value': result.parent.get(timeout=15)}
    if name == 'link':
        callback = app.signature('tasks.add', (1000,), options={'queue': queue})
        errback = app.signature('tasks.record_failure', options={'queue': queue})
        ok = app.send_task('tasks.add', (2, 3), queue=queue, link=callback)
        ok.get(timeout=15)
        child_id = ok.children[0].id
        bad = app.send_task('tasks.fail', ('linked',), queue=queue, link_error=errback)
        try:
            bad.get(timeout=15)
        except Exception:
            pass
        return {'callback_value': app.AsyncResult(child_id).get(timeout=15), 'failed_id': bad.id,
                'errback_saw': recorder.blpop(RECORD + '.errback', timeout=15)[1].decode()}
    raise SystemExit(f'unknown scenario {name}')


if __name__ == '__main__':
    print(json.dumps(scenario(sys.argv[1], sys.argv[2])), flush=True)

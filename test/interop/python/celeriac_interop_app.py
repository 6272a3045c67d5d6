"""A Celery 5 app for the interop tests: its task records what the worker received.

Environment: CELERIAC_INTEROP_BROKER (redis URL), CELERIAC_INTEROP_RECORD (Redis list that gets one
JSON line per run: id, args, kwargs, routing key, priority, eta, when it ran), and optionally
CELERIAC_INTEROP_KEYPREFIX (kombu's global_keyprefix, to keep a test's keys apart) and
CELERIAC_INTEROP_REDIS (where the records go when the broker is not Redis).
"""
import json
import os
import time

import redis
from celery import Celery

BROKER = os.environ['CELERIAC_INTEROP_BROKER']
RECORD = os.environ['CELERIAC_INTEROP_RECORD']
KEYPREFIX = os.environ.get('CELERIAC_INTEROP_KEYPREFIX', '')

app = Celery('celeriac_interop', broker=BROKER)
app.conf.update(
    # With prefetch 1 the solo pool waits ~10 s between messages (kombu re-polls on a timer); several
    # at a time still arrive in the order the broker serves them, which the priority test reads.
    worker_prefetch_multiplier=16,
    broker_connection_retry_on_startup=True,
    accept_content=['json'],
    broker_transport_options={'global_keyprefix': KEYPREFIX} if KEYPREFIX and BROKER.startswith('redis') else {},
)
recorder = redis.Redis.from_url(os.environ.get('CELERIAC_INTEROP_REDIS', BROKER))


@app.task(name='interop.record', bind=True)
def record(self, *args, **kwargs):
    info = self.request.delivery_info or {}
    recorder.rpush(KEYPREFIX + RECORD, json.dumps({
        'id': self.request.id,
        'args': list(args),
        'kwargs': kwargs,
        'routing_key': info.get('routing_key'),
        'priority': info.get('priority'),
        'eta': self.request.eta,
        'ran_at': time.time(),
        # Custom message headers become attributes of the request in Celery 5.
        'periodic_task_name': getattr(self.request, 'periodic_task_name', None),
        'celeriac_occurrence': getattr(self.request, 'celeriac_occurrence', None),
    }))
    return 'recorded'


@app.task(name='interop.hang', acks_late=True)
def hang():
    """Holds its message unacknowledged (acks_late) until the worker is killed."""
    time.sleep(600)

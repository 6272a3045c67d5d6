"""Records the Redis envelopes real Celery writes, the fixture test/protocol/celery-messages.test.ts decodes.

Run (Redis on 127.0.0.1:6379, DB 11, the interop DB; its queues `celery` and `reports` must be empty):
  /usr/bin/python3 test/interop/python/record_messages.py > test/fixtures/protocol/celery-5.2.6-redis-messages.json
Each record: what was sent ("sent"), the list it landed on and the raw envelope.
"""
import json
from datetime import datetime, timezone, timedelta

import celery
import kombu
import redis
from celery import Celery

URL = 'redis://127.0.0.1:6379/11'
client = redis.Redis.from_url(URL)
OURS = ['_kombu.binding.celery', '_kombu.binding.reports'] + [
    q + suffix for q in ('celery', 'reports') for suffix in ('', '\x06\x163', '\x06\x166', '\x06\x169')]
if client.exists(*OURS):
    raise SystemExit('record_messages.py: queues celery/reports in DB 11 are not empty; refusing to touch them')
app = Celery('recorder', broker=URL)

ETA = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=8)))
EXPIRES = datetime(2030, 1, 2, 4, 0, 0, tzinfo=timezone.utc)
SENDS = [
    dict(name='tasks.add', args=[2, 3], kwargs={}, options=dict(priority=5, expires=EXPIRES)),
    dict(name='tasks.mul', args=[], kwargs={'a': 'x', 'b': [1, None, True], 'c': 'å☃'},
         options=dict(queue='reports', compression='zlib', eta=ETA)),
    dict(name='tasks.big', args=['word ' * 200], kwargs={}, options=dict(queue='reports', compression='bzip2', priority=9)),
    dict(name='tasks.linked', args=[1], kwargs={}, options=dict(link=celery.signature('tasks.done', args=(7,)))),
    dict(name='tasks.pickled', args=[1], kwargs={}, options=dict(serializer='pickle')),
]

records = []
for i, send in enumerate(SENDS):
    task_id = f'00000000-0000-4000-8000-00000000000{i}'
    app.send_task(send['name'], send['args'], send['kwargs'], task_id=task_id, **send['options'])
    records.append({'sent': {'task': send['name'], 'id': task_id, 'args': send['args'], 'kwargs': send['kwargs'],
                             'options': {k: v for k, v in send['options'].items() if k not in ('eta', 'expires', 'link')}}})

legacy_app = Celery('recorder-v1', broker=URL, task_protocol=1)
legacy_app.send_task('tasks.legacy', [4, 5], {'k': 'v'}, task_id='00000000-0000-4000-8000-000000000009', eta=ETA)
records.append({'sent': {'task': 'tasks.legacy', 'id': '00000000-0000-4000-8000-000000000009', 'args': [4, 5],
                         'kwargs': {'k': 'v'}, 'options': {'protocol': 1}}})

by_id = {}
for key in OURS:
    if client.type(key) != b'list':
        continue
    for raw in client.lrange(key, 0, -1):
        envelope = json.loads(raw)
        task_id = envelope['headers'].get('id') or envelope['properties']['correlation_id']
        by_id[task_id] = (key, raw.decode())
for record in records:
    record['list'], record['raw'] = by_id[record['sent']['id']]
client.delete(*OURS)
print(json.dumps({'celery': celery.__version__, 'kombu': kombu.__version__,
                  'eta': ETA.isoformat(), 'expires': EXPIRES.isoformat(), 'messages': records}, indent=1, ensure_ascii=False))

"""Records Celery's saferepr of JSON values, the fixture test/protocol/saferepr.test.ts checks against.

Run: /usr/bin/python3 test/interop/python/record_saferepr.py > test/fixtures/protocol/saferepr.json
Each case is [json text, as_tuple, maxlen]; the value is what json.loads gives a Python worker.
"""
import json

from celery.utils.saferepr import saferepr

CASES = [
    ['[2, 3]', True, 1024],
    ['[]', True, 1024],
    ['[7]', True, 1024],
    ['{}', False, 1024],
    ['{"a": 1}', False, 1024],
    ['{"a": "x", "b": [1, null, true, false]}', False, 1024],
    ['["it\'s", "say \\"hi\\"", "line\\nbreak", "tab\\t", "back\\\\slash", "\\u00e5\\u00e4\\u00f6 \\u2603 \\ud83d\\ude00"]', True, 1024],
    # Numbers only as JSON.stringify writes them (JS has no -0.0 or integers past 2**53 to send).
    ['[0.1, 2.5, -1.5, 0.00001, 0.0001, 1e+21, 1.5e+300, 123456789012345.6, 1e-7, 3e-300]', True, 1024],
    ['[1, -7, 9007199254740991, 100000000000000000000]', True, 1024],
    ['[[1, [2, [3, [4, [5]]]]], {"a": {"b": {"c": {"d": 1}}}}]', True, 1024],
    ['[[[[]]], [[{}]]]', True, 1024],
    ['["' + 'word ' * 300 + '"]', True, 1024],
    ['["' + 'x' * 2000 + '"]', True, 1024],
    ['[' + ', '.join(str(i) for i in range(400)) + ']', True, 1024],
    ['{"' + 'k' * 40 + '": "' + 'v' * 40 + '", "second": [1, 2, 3]}', False, 50],
    ['[[1, 2, 3], [4, 5, 6]]', True, 8],
    ['[[1, 2, 3], [4, 5, 6]]', True, 9],
    ['[[1, 2, 3], [4, 5, 6]]', True, 10],
    ['[12345, 67890]', True, 4],
    ['[[[[1]]]]', True, 3],
    ['["abc", "de f"]', True, 6],
    ['["abc"]', True, 4],
]

print(json.dumps([
    {'json': text, 'asTuple': as_tuple, 'maxlen': maxlen,
     'repr': saferepr(tuple(json.loads(text)) if as_tuple else json.loads(text), maxlen)}
    for text, as_tuple, maxlen in CASES
], indent=1, ensure_ascii=False))

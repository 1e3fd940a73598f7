"""Answers of the PyPI package jmespath-community (1.1.3) for cases read as
JSON lines ({"expression": ..., "data": ...}); one JSON line out per case:
{"kind": "value", "value": ...}, {"kind": "syntax", "message": ...} or
{"kind": "error", "message": ...}."""

import json
import sys

import jmespath
from jmespath import exceptions

for line in sys.stdin:
    case = json.loads(line)
    try:
        value = jmespath.search(case["expression"], case["data"])
        out = {"kind": "value", "value": value}
        text = json.dumps(out, allow_nan=False)
    except exceptions.ParseError as e:
        text = json.dumps({"kind": "syntax", "message": str(e)})
    except Exception as e:  # every other failure is an error answer
        text = json.dumps({"kind": "error", "message": f"{type(e).__name__}: {e}"})
    sys.stdout.write(text + "\n")

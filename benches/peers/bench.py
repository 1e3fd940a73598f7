"""Python's jmespath on rolemap's benchmark workloads.

Prints one JSON object: {engine, results: {name: {parse, eval, both}}} in
nanoseconds per operation. `parse` bypasses jmespath's parse cache (as every
engine here parses afresh); `eval` searches a compiled expression.

Usage: python3 bench.py [seconds-per-measurement]
"""
import json
import os
import re
import sys
import time

import jmespath
from jmespath.parser import Parser

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def slug(text):
    out = ""
    for c in text:
        if re.fullmatch(r"[A-Za-z0-9]", c):
            out += c.lower()
        elif not out.endswith("-"):
            out += "-"
    return out.strip("-")


def workloads():
    out = []
    with open(os.path.join(ROOT, "benches/data/workloads.json")) as f:
        mapping = json.load(f)
    for w in mapping["workloads"]:
        out.append((w["name"], w["expression"], w["data"]))
    with open(os.path.join(ROOT, "tests/compliance/official/benchmarks.json")) as f:
        official = json.load(f)
    n = 0
    for suite in official:
        for case in suite["cases"]:
            n += 1
            name = "official-%02d-%s" % (n, slug(case.get("comment", "case")))
            out.append((name, case["expression"], suite["given"]))
    return out


def measure(f, budget):
    n = 1
    while True:
        t = time.perf_counter_ns()
        for _ in range(n):
            f()
        if time.perf_counter_ns() - t > 10_000_000:
            break
        n *= 2
    best = float("inf")
    end = time.perf_counter_ns() + budget
    while True:
        t = time.perf_counter_ns()
        for _ in range(n):
            f()
        best = min(best, (time.perf_counter_ns() - t) / n)
        if time.perf_counter_ns() >= end:
            return best


def main():
    budget = int(float(sys.argv[1] if len(sys.argv) > 1 else 0.5) * 1e9)
    results = {}
    for name, expr, data in workloads():
        parser = Parser()
        r = {"parse": measure(lambda: parser._do_parse(expr), budget)}
        compiled = parser._do_parse(expr)
        r["eval"] = measure(lambda: compiled.search(data), budget)
        r["both"] = measure(lambda: Parser()._do_parse(expr).search(data), budget)
        results[name] = r
    print(json.dumps({"engine": "python jmespath %s" % jmespath.__version__, "results": results}))


if __name__ == "__main__":
    main()

"""The Python examples of docs/python.md run, each in a fresh namespace."""
import os
import re

import pytest

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "python.md")


def blocks():
    text = open(DOC, encoding="utf-8").read()
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_docs_have_the_worked_example():
    assert any("decode_yolo" in b and "merge" in b and "to_polygons" in b for b in blocks())


@pytest.mark.parametrize("index", range(len(blocks())))
def test_docs_python_block_runs(index):
    code = blocks()[index]
    exec(compile(code, f"docs/python.md block {index}", "exec"), {"__name__": "__docs__"})

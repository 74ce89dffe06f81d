"""The Python examples of docs/python.md run, each in a fresh namespace;
README.md's Python blocks run in order in one namespace (the later ones use
the config of the first)."""
import os
import re

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
DOC = os.path.join(ROOT, "docs", "python.md")


def blocks(path=DOC):
    text = open(path, encoding="utf-8").read()
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_docs_have_the_worked_example():
    assert any("decode_yolo" in b and "merge" in b and "to_polygons" in b for b in blocks())


@pytest.mark.parametrize("index", range(len(blocks())))
def test_docs_python_block_runs(index):
    code = blocks()[index]
    exec(compile(code, f"docs/python.md block {index}", "exec"), {"__name__": "__docs__"})


def test_readme_python_blocks_run():
    code = blocks(os.path.join(ROOT, "README.md"))
    assert len(code) >= 2
    ns = {"__name__": "__readme__"}
    for i, c in enumerate(code):
        exec(compile(c, f"README.md block {i}", "exec"), ns)
    assert list(ns["keep"]) == [0] and len(ns["polys"]) == 1

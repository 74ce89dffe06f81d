"""The committed sample data is what its generators write: each generator
runs into a temporary directory and every file it writes must be
byte-identical to the one in tests/data/demo (so a hand edit, or a generator
change without regenerating, fails here)."""
import os
import runpy
import sys

import pytest

DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "data", "demo")


@pytest.mark.parametrize("script", ["make_demo_data.py", "make_mask_pngs.py"])
def test_generator_reproduces_committed_files(script, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", [script, "--out", str(tmp_path)])
    runpy.run_path(os.path.join(DEMO, script), run_name="__main__")
    written = sorted(os.listdir(tmp_path))
    assert written, f"{script} wrote nothing"
    for name in written:
        with open(tmp_path / name, "rb") as f, open(os.path.join(DEMO, name), "rb") as g:
            assert f.read() == g.read(), f"tests/data/demo/{name} differs from what {script} writes"

"""Prints one closing line 'N passed, N failed' over meson's test log (one
JSON object per line; Check suites run as TAP, so each of their subtests is
counted), pytest JUnit XML files (.xml) and cargo test output (.txt). Exit 1 when anything failed or
nothing ran."""
import json
import sys
import xml.etree.ElementTree as ET


def meson_counts(path):
    passed = failed = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            res = t.get("result")
            sub = [l for l in (t.get("stdout") or "").splitlines() if l.startswith(("ok ", "not ok "))]
            if sub:
                passed += sum(1 for l in sub if l.startswith("ok "))
                failed += sum(1 for l in sub if l.startswith("not ok "))
                if res not in ("OK", "EXPECTEDFAIL") and not any(l.startswith("not ok ") for l in sub):
                    failed += 1  # crashed or timed out after its last TAP line
            elif res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res != "SKIP":
                failed += 1
    return passed, failed


def junit_counts(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    passed = failed = 0
    for s in suites:
        tests = int(s.get("tests", 0))
        bad = int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped = int(s.get("skipped", 0))
        passed += tests - bad - skipped
        failed += bad
    return passed, failed


def cargo_counts(path):
    """Sums cargo test's 'test result: ok. N passed; M failed' lines."""
    passed = failed = 0
    saw = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("test result:"):
                saw = True
                parts = line.replace(";", " ").split()
                passed += int(parts[parts.index("passed") - 1])
                failed += int(parts[parts.index("failed") - 1])
    if not saw:
        failed += 1  # cargo did not get as far as running tests
    return passed, failed


def main(argv):
    passed, failed = meson_counts(argv[1])
    for extra in argv[2:]:
        p, f = cargo_counts(extra) if extra.endswith(".txt") else junit_counts(extra)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

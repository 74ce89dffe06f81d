#!/usr/bin/env python3
"""Every C example of README.md and docs/*.md compiles against the public
headers, links against the built library and runs (exit status 0).

A block is wrapped in int main(void) { ... return 0; } after its own
#include lines, with <stdio.h> and <cvhp/cvhp.h> included. docs/api.md is
skipped (declarations, not examples). Stdlib only.
Usage: check_doc_snippets.py SRCROOT LIBDIR CC [CFLAG...]
"""
import glob
import os
import re
import subprocess
import sys
import tempfile


def blocks(root):
    files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    for f in files:
        if os.path.basename(f) == "api.md":
            continue
        text = open(f, encoding="utf-8").read()
        for i, m in enumerate(re.finditer(r"^```c\n(.*?)^```", text, flags=re.S | re.M)):
            yield f"{os.path.relpath(f, root)} block {i}", m.group(1)


def main(argv):
    root, libdir, cc, flags = argv[1], argv[2], argv[3], argv[4:]
    failed, n = 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, code in blocks(root):
            n += 1
            inc = [l for l in code.splitlines() if l.startswith("#include")]
            body = [l for l in code.splitlines() if not l.startswith("#include")]
            src = "\n".join(["#include <stdio.h>", "#include <cvhp/cvhp.h>"] + inc +
                            ["int main(void) {"] + ["    " + l for l in body] + ["    return 0;", "}", ""])
            c, exe = os.path.join(tmp, f"s{n}.c"), os.path.join(tmp, f"s{n}")
            open(c, "w").write(src)
            cmd = [cc, *flags, "-std=c11", "-Wall", "-Werror", "-Wno-unused-variable",
                   "-I", os.path.join(root, "include"), c, "-o", exe, "-L", libdir, "-lcvhp",
                   f"-Wl,-rpath,{libdir}"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode:
                print(f"FAIL {name}: does not compile\n{src}\n{r.stderr}")
                failed += 1
                continue
            r = subprocess.run([exe], capture_output=True, text=True)
            if r.returncode:
                print(f"FAIL {name}: exit {r.returncode}\n{r.stdout}{r.stderr}")
                failed += 1
                continue
            print(f"ok {name}")
    if n == 0:
        print("no C examples found")
        return 1
    print(f"{n - failed}/{n} C examples compile and run")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Generates docs/api.md, the C API reference, from the comments of the
public headers (include/cvhp/*.h), and checks it.

Each CVHP_API function is documented by the comment directly above it; a
function declared right after another one without a comment of its own
shares that one's comment (a documented group). A comment of the form
"/* ---- Title ---- */" is a section heading, not documentation.

Usage:
  gen_api_md.py SRCROOT                  print docs/api.md
  gen_api_md.py SRCROOT --check [LIB]    fail when docs/api.md differs from
                                         the headers, when a function has no
                                         comment, or when LIB exports a cvhp_
                                         symbol that docs/api.md does not document
Stdlib only; any python3 runs it.
"""
import os
import re
import subprocess
import sys

ORDER = ["cvhp.h", "version.h", "common.h", "runtime.h", "params.h", "config.h",
         "boxes.h", "detection.h", "masks.h"]
TOKEN = re.compile(r"(/\*.*?\*/)|(CVHP_API\s+[^;]*?\b(cvhp_\w+)\s*\([^)]*\)\s*;)|(;)|(\S)", re.S)


def headers(root):
    d = os.path.join(root, "include", "cvhp")
    names = sorted(os.listdir(d), key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return [(n, open(os.path.join(d, n), encoding="utf-8").read()) for n in names if n.endswith(".h")]


def clean_comment(c):
    body = c[2:-2]
    lines = [re.sub(r"^\s*\* ?", "", l) if i else l.strip() for i, l in enumerate(body.splitlines())]
    return "\n".join(l.rstrip() for l in lines).strip()


def parse(text):
    """[(kind, value)]: ("section", title) / ("func", (name, decl, doc))."""
    out, last_comment, group_doc, prev_decl, prev_end = [], None, None, False, 0
    for m in TOKEN.finditer(text):
        comment, decl, name = m.group(1), m.group(2), m.group(3)
        if comment and prev_decl and "\n" not in text[prev_end:m.start()]:
            # "CVHP_API ... f(...); /* note */": a note on that one function
            fname, fdecl, fdoc = out[-1][1]
            note = clean_comment(comment)
            out[-1] = ("func", (fname, fdecl, f"{fdoc}\n\n{note}" if fdoc else note))
            continue
        if comment:
            sec = re.match(r"/\*\s*-{3,}\s*(.*?)\s*-{3,}\s*\*/$", comment, re.S)
            if sec:
                out.append(("section", sec.group(1)))
                last_comment = None
            elif not comment.startswith("/* SPDX"):
                last_comment = clean_comment(comment)
            prev_decl = False
        elif decl:
            doc = last_comment if last_comment is not None else (group_doc if prev_decl else None)
            decl = re.sub(r"[ \t]*\n[ \t]*", "\n    ", " ".join(decl.split(" ")).strip())
            decl = re.sub(r"\s+", " ", decl).replace("( ", "(")
            out.append(("func", (name, decl, doc)))
            group_doc, last_comment, prev_decl, prev_end = doc, None, True, m.end()
        else:  # any other code ends a group and detaches the comment
            last_comment, prev_decl = None, False
    return out


def generate(root):
    lines = ["# C API reference", "",
             "Generated from the comments of `include/cvhp/*.h` by `tools/gen_api_md.py`;",
             "do not edit (a test fails when this file and the headers differ). Status",
             "codes: [errors.md](errors.md); threading: [threading.md](threading.md).", ""]
    undocumented, documented = [], set()
    for hname, text in headers(root):
        items = parse(text)
        if not any(k == "func" for k, _ in items):
            continue
        lines += [f"## cvhp/{hname}", ""]
        for kind, v in items:
            if kind == "section":
                lines += [f"### {v}", ""]
                continue
            name, decl, doc = v
            if not doc:
                undocumented.append(f"{hname}: {name}")
            documented.add(name)
            lines += [f"#### `{name}`", "", "```c", decl, "```", ""]
            if doc:
                lines += [doc, ""]
    return "\n".join(lines).rstrip() + "\n", undocumented, documented


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    return {l.split()[2].split("@")[0] for l in out.splitlines() if len(l.split()) == 3 and l.split()[1] != "A"}


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    root = argv[1]
    text, undocumented, documented = generate(root)
    if "--check" not in argv:
        sys.stdout.write(text)
        return 0
    rc = 0
    path = os.path.join(root, "docs", "api.md")
    current = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    if current != text:
        print("docs/api.md is stale: run tools/gen_api_md.py . > docs/api.md")
        rc = 1
    for u in undocumented:
        print(f"undocumented: {u} has no comment above it")
        rc = 1
    rest = argv[argv.index("--check") + 1:]
    if rest:
        missing = sorted(s for s in exported(rest[0]) if s.startswith("cvhp_") and s not in documented)
        for s in missing:
            print(f"exported but not in docs/api.md: {s}")
            rc = 1
    if rc == 0:
        print(f"ok: docs/api.md is current; {len(documented)} functions, all documented")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))

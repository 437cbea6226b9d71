#!/usr/bin/env python3
"""Checks the shape the project keeps its production code in (issue 21):
no function longer than 80 lines and no file longer than 600, in storage/,
common/, services/ and clients/ (C++ sources and headers; tests, benchmarks
and generated code are not production code).

  scripts/check_code_shape.py [REPO]

A function is found the way a reader finds it in this code base's style: a
definition starts at column 0 and its body ends at the first `}` back at
column 0 (clang-format's layout). Lambdas count in the function that holds
them. Prints each function and file over its limit and exits 1 if any is.
"""
import os
import subprocess
import sys

MAX_FUNCTION_LINES = 80
MAX_FILE_LINES = 600
PRODUCTION = ("storage/", "common/", "services/", "clients/")
NOT_A_FUNCTION = ("namespace", "}", "#", "//", "class ", "struct ", "enum ", "using ",
                  "template", "static_assert", "extern ", "typedef ", "ABSL_")


def production_files(repo):
    listed = subprocess.run(["git", "-C", repo, "ls-files", "*.cc", "*.h"], check=True,
                            capture_output=True, text=True).stdout.split()
    return [f for f in listed if f.startswith(PRODUCTION)]


def long_functions(lines):
    """Yields (first line number, length, signature) of each function over the limit."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line and not line[0].isspace() and "(" in line and not line.startswith(NOT_A_FUNCTION):
            body = i
            while body < len(lines) and not lines[body].rstrip().endswith(("{", ";")):
                body += 1
            if body < len(lines) and lines[body].rstrip().endswith("{"):
                end = body + 1
                while end < len(lines) and not lines[end].startswith("}"):
                    end += 1
                length = end - i + 1
                if length > MAX_FUNCTION_LINES:
                    yield i + 1, length, line.strip()
                i = end + 1
                continue
        i += 1


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems = []
    for path in production_files(repo):
        with open(os.path.join(repo, path), encoding="utf-8") as f:
            lines = f.read().split("\n")
        if len(lines) > MAX_FILE_LINES:
            problems.append(f"{path}: {len(lines)} lines; split it where a name explains the part "
                            f"(at most {MAX_FILE_LINES})")
        for first, length, signature in long_functions(lines):
            problems.append(f"{path}:{first}: a function of {length} lines (at most "
                            f"{MAX_FUNCTION_LINES}); split it where a name explains the part: "
                            f"{signature[:90]}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_code_shape: {len(problems)} over the limits")
        return 1
    print(f"check_code_shape: every function within {MAX_FUNCTION_LINES} lines and every file "
          f"within {MAX_FILE_LINES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

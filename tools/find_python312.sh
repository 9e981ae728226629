#!/usr/bin/env bash
# Print a Python >= 3.12 interpreter for pyodide-build (which needs it), or nothing.
# pyenv shims answer "command not found" for versions that are installed but not selected,
# so the versions under `pyenv root` are tried too.
candidates=(python3.13 python3.12 python3)
if command -v pyenv >/dev/null 2>&1; then
  root="$(pyenv root)"
  candidates+=("$root"/versions/3.13*/bin/python3 "$root"/versions/3.12*/bin/python3)
fi
for candidate in "${candidates[@]}"; do
  if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done

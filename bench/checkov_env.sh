#!/usr/bin/env bash
# Create the benchmark's own venv with Checkov in it (never the project's .venv or pyproject).
# Usage: bench/checkov_env.sh            → bench/.bench-venv/bin/checkov
# `.bench-venv/` is git-ignored. Idempotent: does nothing when checkov is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${BENCH_CHECKOV_VENV:-$here/.bench-venv}"
version="${CHECKOV_VERSION:-3.3.30}"
if [ -x "$venv/bin/checkov" ]; then
  echo "$venv/bin/checkov"
  exit 0
fi
python="${PYTHON:-python3.11}"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$version" >&2
echo "$venv/bin/checkov"

#!/usr/bin/env bash
# Builds the corridor_partner wheel, installs it offline into a fresh virtual
# environment (with Debian's grpcio, protobuf and cryptography from the
# system), and runs partner_client_test.py there, outside the source tree:
# what it imports comes from the wheel alone.
# Usage: run_with_wheel.sh BIN_DIR
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
WHEEL="$("$ROOT/scripts/build_python_client.sh" "$WORK/dist" | tail -1)"
/usr/bin/python3 -m venv --system-site-packages "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --no-index --no-deps "$WHEEL"
cp "$HERE/partner_client_test.py" "$ROOT/clients/python/partner_example.py" "$WORK/"
cd "$WORK"
env -u PYTHONPATH "$WORK/venv/bin/python" "$WORK/partner_client_test.py" "$1" "$ROOT/proto"

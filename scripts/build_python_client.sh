#!/usr/bin/env bash
# Builds the Python client package, corridor_partner, as a wheel, offline:
#   scripts/build_python_client.sh [OUT_DIR]     (default: build/python)
#
# The wheel holds the messages and stubs generated from proto/corridor/v1
# (every service), from gRPC's health and reflection protocols
# (clients/python/third_party_protos) and from google.rpc's error model, and
# the helpers in clients/python/corridor_partner. It needs grpcio and
# protobuf (Debian: python3-grpcio, python3-protobuf), and
# python3-cryptography for the signature checks.
#
# The stubs come from Debian's protoc with gRPC's Python plugin
# (protobuf-compiler, protobuf-compiler-grpc): the protoc inside Debian 12's
# python3-grpc-tools is 3.5.1, older than proto3's `optional` fields, which
# the contract uses.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/build/python}"
VERSION="$(sed -n 's/^project(corridor VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")"
PYTHON="${PYTHON:-/usr/bin/python3}"
GOOGLEAPIS=/usr/share/gocode/src/github.com/gogo/googleapis

for tool in protoc grpc_python_plugin; do
  command -v "$tool" >/dev/null || {
    echo "build_python_client: $tool is missing; run scripts/setup.sh (it installs" \
         "protobuf-compiler and protobuf-compiler-grpc)" >&2
    exit 1
  }
done
[ -f "$GOOGLEAPIS/google/rpc/status.proto" ] || {
  echo "build_python_client: google/rpc/status.proto is missing; run scripts/setup.sh (it" \
       "installs golang-github-gogo-googleapis-dev)" >&2
  exit 1
}

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
PLUGIN="--plugin=protoc-gen-grpc_python=$(command -v grpc_python_plugin)"
echo "build_python_client: generating stubs with $(protoc --version) and grpc_python_plugin"

# corridor.v1: imported by its own package path, as the .proto files name it.
(cd "$ROOT/proto" && protoc -I. --python_out="$STAGE" --grpc_python_out="$STAGE" "$PLUGIN" \
  corridor/v1/*.proto)
touch "$STAGE/corridor/__init__.py" "$STAGE/corridor/v1/__init__.py"

# The rest lives inside corridor_partner, so that it cannot shadow grpcio's
# own `grpc` package or another `google.rpc`: each module is moved under it
# and its imports of its own package rewritten.
cp -r "$ROOT/clients/python/corridor_partner" "$STAGE/"
find "$STAGE/corridor_partner" -name __pycache__ -prune -exec rm -rf {} +
GEN="$STAGE/gen"
mkdir -p "$GEN"
(cd "$ROOT/clients/python/third_party_protos" && protoc -I. --python_out="$GEN" \
  --grpc_python_out="$GEN" "$PLUGIN" grpc/health/v1/health.proto \
  grpc/reflection/v1alpha/reflection.proto)
(cd "$GOOGLEAPIS" && protoc -I. --python_out="$GEN" google/rpc/status.proto \
  google/rpc/error_details.proto)
move() {  # move <generated dir> <subpackage>
  mkdir -p "$STAGE/corridor_partner/$2"
  cp "$GEN/$1"/*.py "$STAGE/corridor_partner/$2/"
  touch "$STAGE/corridor_partner/$2/__init__.py"
  sed -i "s/^from ${1//\//\\.} import/from corridor_partner.$2 import/" \
    "$STAGE/corridor_partner/$2"/*.py
}
move grpc/health/v1 health
move grpc/reflection/v1alpha reflection
move google/rpc rpc

cat > "$STAGE/pyproject.toml" <<EOF
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "corridor-partner"
version = "$VERSION"
description = "Python client for Corridor, the siege and humanitarian access monitor"
requires-python = ">=3.9"
dependencies = ["grpcio>=1.51", "protobuf>=3.21"]
optional-dependencies = { signatures = ["cryptography>=38"] }

[tool.setuptools.packages.find]
include = ["corridor", "corridor.*", "corridor_partner", "corridor_partner.*"]
EOF
rm -rf "$GEN"

mkdir -p "$OUT"
echo "build_python_client: packing the wheel (setuptools $("$PYTHON" -c 'import setuptools; print(setuptools.__version__)'), offline)"
"$PYTHON" -m pip wheel --quiet --no-deps --no-build-isolation --no-index -w "$OUT" "$STAGE" >&2
WHEEL="$OUT/corridor_partner-$VERSION-py3-none-any.whl"
[ -f "$WHEEL" ] || { echo "build_python_client: pip made no $WHEEL" >&2; exit 1; }
echo "$WHEEL"

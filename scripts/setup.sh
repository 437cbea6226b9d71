#!/usr/bin/env bash
# Installs exactly what Corridor needs to build, run and test, from Debian's
# packages. Idempotent: packages already installed are skipped, and apt is not
# touched at all when nothing is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake make pkg-config ccache
  # the stack
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libssl-dev
  # the google.rpc error model's .proto files (status, error_details), which
  # Debian ships only in this package; the build generates their C++
  golang-github-gogo-googleapis-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # interop tests: a second-language gRPC client; Go's checksum-database
  # packages (sumdb/note, tlog) as an independent checker of checkpoints
  python3 python3-grpcio python3-protobuf golang-go golang-golang-x-mod-dev
  # the Python client package: its wheel is built and installed offline
  # (scripts/build_python_client.sh), its signature checks use cryptography
  python3-venv python3-pip python3-setuptools python3-wheel python3-cryptography
  # TLS tests make their certificates with the openssl command
  openssl
  # the PostgreSQL peer of the benchmarks (server started on loopback by the script)
  postgresql libpq-dev
  # scripts/bench_gateway.sh: HTTP load on the JSON gateway
  wrk
  # corridor-web: its HTTP server, and the dashboard's build (Node.js, npm)
  # and browser tests (Debian's Chromium, driven by playwright-core)
  libcpp-httplib-dev nodejs chromium
  # scripts/fuzz.sh: libFuzzer and the sanitizers' runtimes come with clang
  clang-14 libclang-rt-14-dev
  # scripts/check_deploy.py: the Kubernetes API schema (the python client's
  # models) and the Compose schema (docker-compose config), offline
  python3-kubernetes python3-yaml docker-compose
)
# Debian's npm, unless Node.js came with its own (NodeSource's does).
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# npm packages, exactly as each folder's package-lock.json pins them: the
# dashboard's front end (clients/web) and buf, the contract's linter and
# breaking-change checker (tools/buf).
install_npm_packages() {
  local folder
  for folder in clients/web tools/buf; do
    folder="$(dirname "$0")/../$folder"
    if [ -f "$folder/node_modules/.package-lock.json" ] &&
      cmp -s "$folder/package-lock.json" "$folder/node_modules/.corridor-lock"; then
      continue
    fi
    echo "setup: installing the npm packages of $folder (npm ci)"
    (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error &&
      cp package-lock.json node_modules/.corridor-lock)
  done
  echo "setup: npm packages installed"
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  install_npm_packages
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: need root to install: ${missing[*]}" >&2
    echo "setup: run this script as root, or install sudo" >&2
    exit 1
  fi
fi

echo "setup: installing ${#missing[@]} missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
install_npm_packages
echo "setup: done"

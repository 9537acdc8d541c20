#!/usr/bin/env bash
# Installs the peers the benchmark compares against, when missing, from Debian's archive, and
# prints the nats-server binary to use on its last line.
#
# Debian 12's nats-server is 2.9.10, which has no `sync_interval` (fsync before the PubAck came in
# 2.10). For the like-for-like row, Debian 13's nats-server .deb is downloaded (apt-get download
# with a separate, temporary list folder: the system's sources are not changed) and unpacked into
# ~/.cache/petrel-bench, not installed. Both NATS rows then use that one binary.
set -euo pipefail

need=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
command -v nats-server >/dev/null || need+=(nats-server)
command -v rsvg-convert >/dev/null || need+=(librsvg2-bin)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq >&2
  apt-cache policy "${need[@]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

version_ok() { "$1" --version 2>/dev/null | grep -Eq 'v2\.(1[0-9]|[2-9][0-9])\.'; }

if version_ok "$(command -v nats-server)"; then
  command -v nats-server
  exit 0
fi

cache="${HOME}/.cache/petrel-bench"
bin="$cache/nats/usr/sbin/nats-server"
if ! version_ok "$bin"; then
  echo "nats-server $(nats-server --version) lacks sync_interval; fetching Debian 13's package" >&2
  mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache"
  echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' \
    >"$cache/apt/sources.list"
  opts=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache")
  apt-get "${opts[@]}" update -qq >&2
  (cd "$cache" && rm -f nats-server_*.deb && apt-get "${opts[@]}" download nats-server >&2 2>/dev/null)
  rm -rf "$cache/nats"
  dpkg-deb -x "$cache"/nats-server_*.deb "$cache/nats"
  version_ok "$bin" || { echo "no nats-server >= 2.10 available" >&2; exit 1; }
fi
echo "$bin"

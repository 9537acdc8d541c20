#!/usr/bin/env bash
# npm run test:librdkafka — librdkafka 2.0.2's own test suite (from Debian's source package)
# against a fresh Petrel node. Prints one line per test (PASS/FAIL/SKIP, duration, reason) and a
# summary. Not part of `npm test`: it downloads and compiles C and runs for many minutes.
#
# Env: LIBRDKAFKA_WORK (build folder, default $TMPDIR/petrel-librdkafka), TESTS (comma-separated
# test names to run instead of all), TEST_TIMEOUT_S (wall clock per test, default 420: 0081_admin alone runs ~110-180 s),
# TEST_KAFKA_VERSION (broker version the suite gates tests on, default 2.7.0: the node's API
# ranges and answers are Kafka 2.7's, e.g. UNKNOWN_TOPIC_OR_PARTITION for configs of a missing
# topic), QUICK=1 (the runner's quick mode -Q and no socket-emulation tests -E: shorter).
# Always broker tests only (-L): the local ones never talk to a node.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${LIBRDKAFKA_WORK:-${TMPDIR:-/tmp}/petrel-librdkafka}
per_test=${TEST_TIMEOUT_S:-420}
mode=(-p1 -L)
[[ -n "${QUICK:-}" ]] && mode=(-p1 -Q -L -E)

tests_dir=$("$here/fetch-build.sh" "$work" | tail -n1)
# Two nodes: the suite's "default" scenario expects topics to be auto-created; its "noautocreate"
# scenario (tests marked `.scenario = "noautocreate"` in test.c) expects a broker that does not.
node_pids=() dirs=()
cleanup() {
  for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for d in "${dirs[@]}"; do rm -rf "$d" "$d.out"; done
}
trap cleanup EXIT
start_node() { # start_node VAR extra-flags... : sets VAR to host:port
  local var=$1; shift
  local data
  data=$(mktemp -d "${TMPDIR:-/tmp}/petrel-rdk-data.XXXXXX")
  dirs+=("$data")
  node "$repo/dist/src/cli/main.js" start --data-dir "$data" --kafka-port 0 --default-partitions 4 "$@" \
    >"$data.out" 2>"$data.log" &
  node_pids+=($!)
  for _ in $(seq 1 100); do grep -q 'listening on' "$data.out" && break; sleep 0.1; done
  local addr
  addr=$(sed -n 's/^listening on //p' "$data.out")
  [[ -n "$addr" ]] || { echo "node did not start: $(cat "$data.log")" >&2; exit 1; }
  printf -v "$var" '%s' "$addr"
  echo "node at $addr $* (log: $data.log)"
}
start_node broker
start_node broker_noauto --no-auto-create-topics

cd "$tests_dir"
if [[ -n "${TESTS:-}" ]]; then
  IFS=, read -r -a names <<< "$TESTS"
else
  # Every registered test except the local ones (TEST_F_LOCAL: no broker involved). Names are
  # matched as substrings by the runner, so a local test named like a broker test would run twice.
  mapfile -t names < <(grep -o '_TEST(0[0-9]\{3\}_[A-Za-z0-9_]*, *[A-Z_0-9|]*' test.c |
    grep -v TEST_F_LOCAL | sed 's/^_TEST(//; s/,.*//')
fi
# Tests that run only in the noautocreate scenario (their _TEST entry spans several lines).
mapfile -t noauto < <(tr '\n' ' ' < test.c | sed 's/_TEST(/\n_TEST(/g' |
  grep '^_TEST(0[0-9]\{3\}_.*scenario = "noautocreate"' | sed 's/^_TEST(//; s/,.*//')
is_noauto() { local n; for n in "${noauto[@]}"; do [[ "$n" == "$1" ]] && return 0; done; return 1; }

pass=0 fail=0 skip=0
for name in "${names[@]}"; do
  log="$work/logs/$name.log"
  mkdir -p "$work/logs"
  start=$(date +%s)
  set +e
  # In a subshell, so that a test runner that aborts does not make bash print a job notice.
  if is_noauto "$name"; then scenario=noautocreate addr=$broker_noauto; else scenario=default addr=$broker; fi
  printf 'bootstrap.servers=%s\n' "$addr" > test.conf
  (TESTS="$name" TEST_SCENARIO="$scenario" TEST_KAFKA_VERSION="${TEST_KAFKA_VERSION:-2.7.0}" \
    LD_LIBRARY_PATH=../src:../src-cpp timeout "$per_test" ./test-runner "${mode[@]}"; exit $?) >"$log" 2>&1
  code=$?
  set -e
  secs=$(( $(date +%s) - start ))
  clean=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
  row=$(grep -E "^\| +$name +\|" <<< "$clean" | tail -n1 || true)
  state=$(awk -F'|' '{gsub(/ /,"",$3); print $3}' <<< "$row")
  reason=$(awk -F'|' '{print $5}' <<< "$row" | sed 's/^ *//')
  if [[ $code -eq 124 ]]; then state=FAILED reason="no result within ${per_test}s"; fi
  case "$state" in
    PASSED) pass=$((pass + 1)); echo "PASS $name ${secs}s" ;;
    SKIPPED) skip=$((skip + 1)); echo "SKIP $name ${secs}s ${reason}" ;;
    *)
      fail=$((fail + 1))
      # The line after librdkafka's '### Test ... failed at' banner says why.
      why=$(sed -n '/^### Test .* failed at/{n;p;q}' <<< "$clean")
      [[ -n "$why" ]] && reason="$why"
      [[ -z "$reason" ]] && reason="exit $code"
      echo "FAIL $name ${secs}s ${reason}" ;;
  esac
done
echo "librdkafka 2.0.2 suite against Petrel: $pass passed, $fail failed, $skip skipped (logs in $work/logs)"

#!/usr/bin/env bash
# npm run test:librdkafka — librdkafka 2.0.2's own test suite (from Debian's source package)
# against a fresh Petrel node. Prints one line per test (PASS/FAIL/SKIP, duration, reason) and a
# summary. Not part of `npm test`: it downloads and compiles C and runs for many minutes.
#
# Env: LIBRDKAFKA_WORK (build folder, default $TMPDIR/petrel-librdkafka), TESTS (comma-separated
# test names to run instead of all), TEST_TIMEOUT_S (wall clock per test, default 120),
# TEST_KAFKA_VERSION (broker version the suite gates tests on, default 2.4.0). Quick mode (-Q),
# broker tests only (-L), no sockem tests (-E).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${LIBRDKAFKA_WORK:-${TMPDIR:-/tmp}/petrel-librdkafka}
per_test=${TEST_TIMEOUT_S:-120}

tests_dir=$("$here/fetch-build.sh" "$work" | tail -n1)
data=$(mktemp -d "${TMPDIR:-/tmp}/petrel-rdk-data.XXXXXX")
out=$(mktemp "${TMPDIR:-/tmp}/petrel-rdk-node.XXXXXX")
node "$repo/dist/src/cli/main.js" start --data-dir "$data" --kafka-port 0 --default-partitions 4 \
  >"$out" 2>"$data.log" &
node_pid=$!
cleanup() { kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; rm -rf "$data" "$out"; }
trap cleanup EXIT
for _ in $(seq 1 100); do grep -q 'listening on' "$out" && break; sleep 0.1; done
broker=$(sed -n 's/^listening on //p' "$out")
[[ -n "$broker" ]] || { echo "node did not start: $(cat "$data.log")" >&2; exit 1; }
echo "node at $broker (log: $data.log)"

cd "$tests_dir"
printf 'bootstrap.servers=%s\n' "$broker" > test.conf
if [[ -n "${TESTS:-}" ]]; then
  IFS=, read -r -a names <<< "$TESTS"
else
  mapfile -t names < <(grep -o '_TEST(0[0-9]\{3\}_[A-Za-z0-9_]*' test.c | sed 's/^_TEST(//')
fi

pass=0 fail=0 skip=0
for name in "${names[@]}"; do
  log="$work/logs/$name.log"
  mkdir -p "$work/logs"
  start=$(date +%s)
  set +e
  TESTS="$name" TEST_KAFKA_VERSION="${TEST_KAFKA_VERSION:-2.4.0}" LD_LIBRARY_PATH=../src:../src-cpp \
    timeout "$per_test" ./test-runner -p1 -Q -L -E >"$log" 2>&1
  code=$?
  set -e
  secs=$(( $(date +%s) - start ))
  row=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^\| +$name +\|" | tail -n1 || true)
  state=$(awk -F'|' '{gsub(/ /,"",$3); print $3}' <<< "$row")
  reason=$(awk -F'|' '{print $5}' <<< "$row" | sed 's/^ *//')
  if [[ $code -eq 124 ]]; then state=FAILED reason="no result within ${per_test}s"; fi
  case "$state" in
    PASSED) pass=$((pass + 1)); echo "PASS $name ${secs}s" ;;
    SKIPPED) skip=$((skip + 1)); echo "SKIP $name ${secs}s ${reason}" ;;
    *)
      fail=$((fail + 1))
      [[ -z "$reason" ]] && reason=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -m1 -E 'FAIL|Test assertion|TEST FAILURE' || echo "exit $code")
      echo "FAIL $name ${secs}s ${reason}" ;;
  esac
done
echo "librdkafka 2.0.2 suite against Petrel: $pass passed, $fail failed, $skip skipped (logs in $work/logs)"

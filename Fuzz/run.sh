#!/bin/sh
# Builds the libFuzzer targets and runs them.
#
#   Fuzz/run.sh TARGET SECONDS    one target: FuzzRatingFiles, FuzzSafeTensors or FuzzModelJSON
#   Fuzz/run.sh all SECONDS       each target in turn for SECONDS
#   Fuzz/run.sh build             build only
#
# Built with -sanitize=fuzzer,address (release, so overflow checks and preconditions stay on)
# into .build-fuzz at the repository root. Each run starts from the committed seeds in
# Fuzz/Corpus/TARGET (with Fuzz/Dictionaries/TARGET.dict when there is one) and keeps what it learns in Fuzz/Work/TARGET/corpus; crashes, leaks and
# timeouts go to Fuzz/Work/TARGET/findings and the log to Fuzz/Work/TARGET/run.log (Fuzz/Work/ is
# ignored by git). Turn each finding into a test in Tests/ (docs/RELIABILITY.md).
# Environment: EXTRA, more libFuzzer flags (EXTRA="-fork=1 -ignore_crashes=1" keeps fuzzing after a
# crash and collects every one); NOBUILD=1 runs the binaries
# already built (to run two targets at once without two builds racing).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
targets="FuzzRatingFiles FuzzSafeTensors FuzzModelJSON"

usage() {
    echo "usage: $0 {$(echo $targets | tr ' ' '|')|all} SECONDS  or  $0 build" >&2
    exit 2
}

build() {
    [ -n "${NOBUILD:-}" ] && return 0
    swift build --package-path "$here" --scratch-path "$root/.build-fuzz" -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
}

run() {
    target=$1 seconds=$2
    work="$here/Work/$target"
    mkdir -p "$work/corpus" "$work/findings"
    bin="$root/.build-fuzz/release/$target"
    echo "== $target for ${seconds}s (log: $work/run.log)"
    # -rss_limit_mb: a parser asked to allocate more than 2 GB for a small input is a finding too.
    dict=""
    [ -f "$here/Dictionaries/$target.dict" ] && dict="-dict=$here/Dictionaries/$target.dict"
    set +e
    # FuzzRatingFiles writes each input to a temporary file: keep those in memory when possible,
    # in a folder of this run's own (a crashed process cannot clean up after itself).
    scratch=$(mktemp -d "$([ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/autorec-fuzz-run.XXXXXX")
    export TMPDIR="$scratch"
    # Let libFuzzer handle a Swift trap (SIGILL) and save the input: the Swift runtime's own
    # backtracer would get there first. Replay a finding without this for a Swift backtrace.
    export SWIFT_BACKTRACE=enable=no
    "$bin" "$work/corpus" "$here/Corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -artifact_prefix="$work/findings/" -print_final_stats=1 $dict ${EXTRA:-} >"$work/run.log" 2>&1
    status=$?
    set -e
    rm -rf "$scratch"
    grep -E '^(#[0-9]+.*DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' "$work/run.log" || true
    found=$(ls "$work/findings" | wc -l)
    echo "   exit $status, corpus $(ls "$work/corpus" | wc -l) files, findings $found"
    [ "$status" -eq 0 ] && [ "$found" -eq 0 ]
}

[ $# -ge 1 ] || usage
case $1 in
build) build ;;
all)
    [ $# -eq 2 ] || usage
    build
    failed=0
    for t in $targets; do run "$t" "$2" || failed=1; done
    exit $failed
    ;;
*)
    [ $# -eq 2 ] || usage
    echo " $targets " | grep -q " $1 " || usage
    build
    run "$1" "$2"
    ;;
esac

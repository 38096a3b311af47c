#!/usr/bin/env bash
# Side-by-side comparison of refmap's CLI with the networkx and regorus peers
# (issue 6) on the consistent workloads of ../shared/peers, in one run.
#
# usage: benches/compare.sh [--write-readme] [--no-build]
#   --write-readme  regenerate the "## side by side" table of benches/README.md
#                   (between its marker comments; refused when a count disagrees)
#   --no-build      use $REFMAP (or target/release/refmap) as it is
# environment:
#   SIZES="R M"             sizes among R M X (X is slow: ~15 s to generate, minutes to run)
#   MIXES="realistic dense" relationship mixes
#   WORKLOADS="R-realistic X-realistic"  explicit SIZE-MIX list (overrides SIZES and MIXES)
#   RUNS=5                  rounds; each runs every timed refmap command, run_peers.sh and
#                           the peers' whole processes once (medians); cold start: 2×RUNS runs
#   LINT_TIMEOUT=300        seconds after which `refmap lint` is killed (and reported)
#   TARGET=FW001            framework of the not-covered query and the batch
#   FULL_ORACLE=auto        also check every site × framework and coverage of every
#                           framework (1/0; auto = on except for X)
#   SCRATCH=${TMPDIR:-/tmp}/refmap-compare   workloads, venv, regorus build (never the repo)
#   PEERS=../shared/peers   the generator and the peers (relative to the repository)
#   PY                      python with networkx (default: $SCRATCH/venv, created on demand)
#   REFMAP                  refmap binary (default: built here, $CARGO_TARGET_DIR/release/refmap)
#   CARGO_TARGET_DIR        where refmap is built (default: target/ of the repository)
# Prints the table on stdout, progress on stderr. Exit 1 when any tool's count
# disagrees with the workload's expected.json (or a refmap command fails).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
WRITE=()
BUILD=1
for a in "$@"; do
  case $a in
    --write-readme) WRITE=(--write-readme "$REPO/benches/README.md") ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $a" >&2; sed -n '2,24p' "$0" >&2; exit 2 ;;
  esac
done

SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/refmap-compare}
case $(realpath -m "$SCRATCH")/ in
  "$REPO"/*) echo "compare.sh: SCRATCH must be outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$SCRATCH"
PEERS=$(cd "${PEERS:-$REPO/../shared/peers}" && pwd)
for f in gen_consistent.py run_peers.sh nx_crosswalk.py referential.rego; do
  [ -f "$PEERS/$f" ] || { echo "compare.sh: $PEERS/$f not found (set PEERS)" >&2; exit 2; }
done

REFMAP_GIVEN=${REFMAP:-}
if [ -z "${REFMAP:-}" ]; then
  TD=${CARGO_TARGET_DIR:-$REPO/target}
  if [ "$BUILD" = 1 ]; then
    echo "compare.sh: cargo build --release (CARGO_TARGET_DIR=$TD)" >&2
    (cd "$REPO" && CARGO_TARGET_DIR=$TD cargo build --release --locked --quiet)
  fi
  REFMAP=$TD/release/refmap
fi
[ -x "$REFMAP" ] || { echo "compare.sh: $REFMAP is not an executable" >&2; exit 2; }

if [ -z "${PY:-}" ]; then
  PY=$SCRATCH/venv/bin/python
  if ! "$PY" -c 'import networkx' 2>/dev/null; then
    echo "compare.sh: creating $SCRATCH/venv with networkx 3.6.1" >&2
    python3 -m venv "$SCRATCH/venv"
    "$SCRATCH/venv/bin/pip" install --quiet networkx==3.6.1
  fi
fi

# the peers' regorus_bench has its own target folder, built once by run_peers.sh
REGORUS_TARGET=${REGORUS_TARGET:-$SCRATCH/regorus-target}
if [ ! -x "$REGORUS_TARGET/release/regorus_bench" ]; then
  echo "compare.sh: building regorus_bench (regorus 0.14.1) in $REGORUS_TARGET" >&2
  (cd "$PEERS/regorus_bench" && CARGO_TARGET_DIR=$REGORUS_TARGET cargo build --release --locked --quiet)
fi

BUILT=$([ "$BUILD" = 1 ] && [ -z "${REFMAP_GIVEN:-}" ] && echo built || echo given)
exec python3 "$REPO/benches/compare/compare.py" --binary "$BUILT" \
  --refmap "$REFMAP" --repo "$REPO" --peers "$PEERS" --scratch "$SCRATCH" --py "$PY" \
  --regorus "$REGORUS_TARGET/release/regorus_bench" \
  --sizes "${SIZES:-R M}" --mixes "${MIXES:-realistic dense}" --workloads "${WORKLOADS:-}" \
  --runs "${RUNS:-5}" --lint-timeout "${LINT_TIMEOUT:-300}" --target "${TARGET:-FW001}" \
  --full-oracle "${FULL_ORACLE:-auto}" "${WRITE[@]}"

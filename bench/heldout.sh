#!/bin/bash
# One held-out-style run: wheelfit (both images) then uv (one platform), cold or warm.
#   bench/heldout.sh NAME MODE [SRC]    NAME: netbox | odoo | healthchecks | saleor-2021 | saleor
#   MODE: cold (a fresh cache folder) | warm (the same folder again)
#   SRC: the wheelfit source tree to run (default: this checkout's src; e.g. a `git archive`)
# Prints one line per tool: wall, user and sys seconds, peak RSS (GNU time); keeps the
# outputs and wheelfit's -v log (bench/reqkinds.py counts its requests) in $OUT.
# Compile the source first (python -m compileall -q SRC): with PYTHONDONTWRITEBYTECODE set,
# an uncompiled tree is compiled on every run (~0.7 s CPU here), which an installed wheel is not.
set -eu
NAME=$1; MODE=$2; HERE=$(cd "$(dirname "$0")/.." && pwd); SRC=${3:-$HERE/src}
IN=$HERE/bench/inputs/heldout; OUT=${OUT:-/var/tmp/wf-heldout/out/$NAME-$MODE}
CACHE=${CACHE:-/var/tmp/wf-heldout/cache-$NAME}; PY=${PY:-$HERE/.venv/bin/python}
UV=${UV:-$HERE/.venv/bin/uv}
case $NAME in
  netbox|odoo|healthchecks) WF=$IN/$NAME/requirements.txt; UVIN=$WF ;;
  saleor-2021) WF=$IN/saleor-2021/poetry.lock; UVIN=$IN/saleor-2021/pins-uv.txt ;;
  saleor) WF=$HERE/bench/inputs/saleor/pyproject.toml; UVIN=$WF ;;
  *) echo "unknown input $NAME" >&2; exit 2 ;;
esac
# uv resolves netbox and saleor; the other three only with --no-deps (their old sdists
# do not build: feedparser 5.2.1's use_2to3, psycopg2/pycurl without pg_config/curl-config).
case $NAME in netbox|saleor) NODEPS=() ;; *) NODEPS=(--no-deps) ;; esac
export PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= PIP_CONSTRAINT= UV_NO_CONFIG=1 \
  UV_PYTHON_DOWNLOADS=never
[ "$MODE" = cold ] && rm -rf "$CACHE"
mkdir -p "$OUT" "$CACHE"
run() {
  local label=$1; shift
  /usr/bin/time -f "%e wall %U user %S sys %M KB" -o "$OUT/$label.time" "$@" \
    > "$OUT/$label.stdout" 2> "$OUT/$label.stderr" || true
  echo "$(date -u +%T) $NAME $MODE $label $(tail -1 "$OUT/$label.time")"
}
run wheelfit env PYTHONPATH="$SRC" "$PY" -m wheelfit check "$WF" --python 3.12 \
  -i https://pypi.org/simple/ --cache-dir "$CACHE/wf" --format json -o "$OUT/wheelfit.json" -v
run uv-gnu "$UV" --no-config pip compile "$UVIN" --python-version 3.12 \
  --python-platform x86_64-unknown-linux-gnu --index-url https://pypi.org/simple/ \
  --cache-dir "$CACHE/uv-gnu" --no-header --no-annotate -q -o "$OUT/uv-gnu.txt" "${NODEPS[@]}"

#!/usr/bin/env bash
# run.sh: browser tests — installs playwright-core from npm (test tooling only) and runs every *.test.mjs with Debian's Chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export ECC_MODE=${ECC_MODE:-test}
. ../../ops/dev/env.sh
if [ ! -d node_modules/playwright-core ]; then
	npm ci --no-audit --no-fund >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium missing"; echo "e2e: 0 passed, 1 failed"; exit 1; }
mkdir -p "$ECC_VAR/results/e2e"
rc=0
for t in *.test.mjs; do
	node "$t" || rc=1
done
exit $rc

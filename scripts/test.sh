#!/usr/bin/env bash
# Run the test suite (installs first if the checkout has no .venv yet). Tests read ../shared beside the checkout.
# The browser test drives Debian's chromium; it is installed here when missing and apt is at hand (as root),
# and the test skips with its reason otherwise. Playwright never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/plangraph ] || bash scripts/setup.sh
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
        || echo "chromium could not be installed: the browser test will skip" >&2
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest "$@"

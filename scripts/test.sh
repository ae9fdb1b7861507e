#!/usr/bin/env bash
# Run the test suite (installs first if the checkout has no .venv yet). Tests read ../shared beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/plangraph ] || bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest "$@"

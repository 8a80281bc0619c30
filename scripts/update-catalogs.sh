#!/usr/bin/env bash
# Re-extract the UI strings from kiosk/ (.py and .kv) into locales/kiosk.pot and merge
# them into every language's catalog. Run after adding or changing a UI string.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
"$PYBABEL" extract -F locales/babel.cfg -k _ -k ngettext:1,2 --no-location --sort-output \
  --project "EU citizens kiosk" --copyright-holder "EU citizens kiosk contributors" \
  -o locales/kiosk.pot .
for po in locales/*/LC_MESSAGES/kiosk.po; do
  lang=$(basename "$(dirname "$(dirname "$po")")")
  "$PYBABEL" update -D kiosk -i locales/kiosk.pot -d locales -l "$lang" --no-fuzzy-matching --ignore-obsolete
done

#!/usr/bin/env bash
# Re-extract the UI strings from kiosk/ (.py and .kv) into locales/kiosk.pot and merge
# them into every language's catalog. Run after adding or changing a UI string.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
"$PYBABEL" extract -F locales/babel.cfg -k _ -k ngettext:1,2 -k text_in:2 --no-location --sort-output \
  --project "EU citizens kiosk" --copyright-holder "EU citizens kiosk contributors" \
  -o locales/kiosk.pot .
for po in locales/*/LC_MESSAGES/kiosk.po; do
  lang=$(basename "$(dirname "$(dirname "$po")")")
  # Plural rules come from the locale given here: "pt" alone is Brazilian in CLDR
  # ("0 pergunta"); the kiosk's Portuguese is European ("0 perguntas").
  locale="$lang"
  [ "$lang" = pt ] && locale=pt_PT
  "$PYBABEL" update -D kiosk -i locales/kiosk.pot -o "$po" -l "$locale" --no-fuzzy-matching --ignore-obsolete
done

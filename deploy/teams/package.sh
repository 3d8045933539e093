#!/usr/bin/env bash
# Builds the Teams app package to upload (Teams › Apps › Manage your apps › Upload an app):
#   TEAMS_APP_ID=<your bot's Microsoft App ID> CHASEBOT_HOST=chasebot.example.com bash deploy/teams/package.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${TEAMS_APP_ID:?set TEAMS_APP_ID to the Microsoft App ID of the bot}"
: "${CHASEBOT_HOST:?set CHASEBOT_HOST to the host name the Bot is served on}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -e "s/{{TEAMS_APP_ID}}/$TEAMS_APP_ID/g" -e "s/{{CHASEBOT_HOST}}/$CHASEBOT_HOST/g" "$here/manifest.json" > "$work/manifest.json"
cp "$here/color.png" "$here/outline.png" "$work/"
out="${OUT:-$PWD/chasebot-teams.zip}"
(cd "$work" && python3 -m zipfile -c "$out" manifest.json color.png outline.png)
echo "wrote $out"

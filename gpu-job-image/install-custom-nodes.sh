#!/bin/sh
# Puts the custom node packs pinned in $1 (custom-nodes.lock: "<folder> <https URL> <commit>" per
# line, # comments) into ComfyUI's custom_nodes folder $2, each at its pinned commit. Their Python
# requirements are not installed here: requirements.lock (scripts/lock-python) already holds them,
# installed with hashes before this runs, so a pack can never bring in an unlocked package.
set -eu
list="$1"
target="$2"
grep -v '^[[:space:]]*#' "$list" | grep -v '^[[:space:]]*$' | while read -r folder url commit rest; do
  if [ -z "${commit:-}" ] || [ -n "${rest:-}" ]; then
    echo "custom-nodes.lock: '$folder $url' is not '<folder> <https URL> <commit>'" >&2
    exit 1
  fi
  echo "custom node pack $folder: $url @ $commit"
  git init --quiet "$target/$folder"
  git -C "$target/$folder" fetch --quiet --depth 1 "$url" "$commit"
  git -C "$target/$folder" checkout --quiet FETCH_HEAD
  # The commit asked for, not whatever the server answered with.
  [ "$(git -C "$target/$folder" rev-parse HEAD)" = "$commit" ] || { echo "$folder: fetched a different commit" >&2; exit 1; }
  rm -rf "$target/$folder/.git"
done

#!/bin/sh
# Installs the custom node packs listed in $1 ("<git URL> <commit>" per line, # comments) into
# ComfyUI's custom_nodes folder $2, each at its pinned commit, with its Python requirements
# constrained so that PyTorch stays the image's build.
set -eu
list="$1"
target="$2"
constraints=/tmp/torch-constraints.txt
printf 'torch==%s\ntorchvision==%s\ntorchaudio==%s\n' \
  "$TORCH_VERSION" "$TORCHVISION_VERSION" "$TORCHAUDIO_VERSION" > "$constraints"
grep -v '^[[:space:]]*#' "$list" | grep -v '^[[:space:]]*$' | while read -r url commit; do
  if [ -z "${commit:-}" ]; then
    echo "custom-nodes.txt: '$url' has no commit: pin one" >&2
    exit 1
  fi
  name=$(basename "$url" .git)
  echo "custom node pack $name @ $commit"
  git init --quiet "$target/$name"
  git -C "$target/$name" fetch --quiet --depth 1 "$url" "$commit"
  git -C "$target/$name" checkout --quiet FETCH_HEAD
  rm -rf "$target/$name/.git"
  if [ -f "$target/$name/requirements.txt" ]; then
    pip install --no-cache-dir -r "$target/$name/requirements.txt" -c "$constraints"
  fi
done
rm -f "$constraints"

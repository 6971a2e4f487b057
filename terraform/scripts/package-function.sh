#!/usr/bin/env bash
# Packages one built function module as the zip Cloud Functions deploys from a JAR: the module's
# jar, with a manifest Class-Path naming lib/*.jar, and lib/ holding its runtime dependencies
# (darkroom-gcp among them, which carries the logging configuration of every deployable).
#   terraform/scripts/package-function.sh functions/api api out/
# Needs the module's jar and its target/lib, from one reactor run at the root (Cloud Build's
# package-functions step): mvn package dependency:copy-dependencies -DskipTests \
#   -DincludeScope=runtime -DoutputDirectory=target/lib
# (one run, so that darkroom-gcp and core resolve from the reactor, not from a local repository).
set -euo pipefail

module="$1" name="$2" out="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

[ -d "$module/target/lib" ] || { echo "no $module/target/lib: run mvn package dependency:copy-dependencies first" >&2; exit 1; }
cp -r "$module/target/lib" "$work/lib"
jar_file="$(find "$module/target" -maxdepth 1 -name '*.jar' ! -name '*-sources.jar' | head -n 1)"
[ -n "$jar_file" ] || { echo "no jar in $module/target: run mvn package first" >&2; exit 1; }

classpath=""
for dep in "$work"/lib/*.jar; do classpath="$classpath lib/$(basename "$dep")"; done
mkdir -p "$work/classes"
(cd "$work/classes" && jar xf "$(realpath "$OLDPWD/$jar_file")")
rm -f "$work/classes/META-INF/MANIFEST.MF"
# Manifest lines are at most 72 bytes: fold the Class-Path as the JAR spec requires.
printf 'Class-Path:%s\n' "$classpath" | fold -w 70 | sed '2,$s/^/ /' > "$work/manifest.txt"
jar --create --file "$work/$name.jar" --manifest "$work/manifest.txt" -C "$work/classes" .
rm -rf "$work/classes" "$work/manifest.txt"
mkdir -p "$out"
(cd "$work" && zip -q -r "$(realpath "$OLDPWD/$out")/$name.zip" "$name.jar" lib)
echo "$out/$name.zip"

#!/bin/sh
# update.sh re-creates this copy of chroma from the module cache: the
# packages blog imports, at the pinned version, with their import paths
# moved under blog's module, and lazy.patch and prefilter.patch applied
# (see README.md).
#
# usage: _third_party/chroma/update.sh   (from anywhere in the repository)
set -eu

version=v2.27.0
upstream=github.com/alecthomas/chroma/v2
here=$(cd "$(dirname "$0")" && pwd)
ours=github.com/blog-gen/blog/_third_party/chroma

src=$(cd "$here" && go mod download -json "$upstream@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "update.sh: $upstream@$version not in the module cache" >&2; exit 1; }

# Everything but this script, the README and the patches is upstream's.
find "$here" -mindepth 1 -maxdepth 1 ! -name update.sh ! -name README.md ! -name lazy.patch ! -name prefilter.patch -exec rm -rf {} +
mkdir -p "$here/formatters/html" "$here/lexers/embedded"
cp "$src/COPYING" "$here/"
for f in "$src"/*.go; do
  case $f in *_test.go) continue ;; esac
  cp "$f" "$here/"
done
cp "$src/formatters/html/html.go" "$here/formatters/html/"
for f in "$src"/lexers/*.go; do
  case $f in *_test.go) continue ;; esac
  cp "$f" "$here/lexers/"
done
cp "$src"/lexers/embedded/*.xml "$here/lexers/embedded/"
chmod -R u+w "$here"

find "$here" -name '*.go' -exec sed -i "s#\"$upstream#\"$ours#" {} +
(cd "$here" && patch -p1 --no-backup-if-mismatch < lazy.patch && patch -p1 --no-backup-if-mismatch < prefilter.patch)
gofmt -l "$here"
echo "chroma $version copied into $here"

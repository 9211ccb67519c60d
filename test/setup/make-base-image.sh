#!/usr/bin/env bash
# Make a local stand-in for node:22-bookworm-slim when no registry can be reached:
# a Debian bookworm rootfs from debootstrap, Node 22 from the npm package node-linux-<arch>@22,
# npm from the npm package npm, and a uid-1000 user `node` as the official image has.
# Usage: make-base-image.sh [TAG]   (default launch-agent-test/node:22-bookworm-slim)
set -euo pipefail
tag=${1:-launch-agent-test/node:22-bookworm-slim}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image: $tag already present"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq debootstrap >/dev/null
fi

work=$(mktemp -d /tmp/launch-agent-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

echo "base image: debootstrap bookworm (minbase)"
debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}

echo "base image: Node 22 and npm from the npm registry"
case "$(uname -m)" in
  x86_64) node_arch=x64 ;;
  aarch64 | arm64) node_arch=arm64 ;;
  *) echo "base image: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
(cd "$work" && npm pack --silent "node-linux-$node_arch@22" npm@10 >/dev/null)
mkdir -p "$work/node" "$work/npm"
tar -xzf "$work"/node-linux-"$node_arch"-22*.tgz -C "$work/node"
tar -xzf "$work"/npm-10*.tgz -C "$work/npm"
install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
mv "$work/npm/package" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# The official image has user node (1000:1000); keep that so our images must replace it.
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb

echo "base image: importing as $tag"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION=22' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
docker run --rm "$tag" node --version

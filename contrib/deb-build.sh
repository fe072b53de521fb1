#!/bin/sh
# deb-build.sh DIR: builds the Debian package (dpkg-buildpackage -us -uc
# -b) from a copy of the files git tracks (of the whole tree, minus its
# build* folders, outside git), in DIR/conductd-VERSION, so
# the build folders and autotools output of this tree cannot leak into
# it.  The .deb, .buildinfo and .changes land in DIR; the log is
# DIR/build.log.  Prints the .deb's path last.  Needs debhelper and the
# Build-Depends of debian/control (contrib/install-deps.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: deb-build.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
src="$dir/conductd-$version"
rm -rf "$src" "$dir"/conductd_*
mkdir -p "$src"
if [ -d "$top/.git" ] || [ -f "$top/.git" ]; then
	(cd "$top" && git ls-files -z | xargs -0 tar cf - --no-recursion) |
	    (cd "$src" && tar xf -)
else
	# An unpacked release tarball: all of it but build folders.
	(cd "$top" && tar cf - --exclude='./build*' \
	    --exclude='./debian/.debhelper' .) |
	    (cd "$src" && tar xf -)
fi

if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$dir/build.log" 2>&1; then
	tail -40 "$dir/build.log" >&2
	echo "deb-build: dpkg-buildpackage failed (see $dir/build.log)" >&2
	exit 1
fi
deb=$(ls "$dir"/conductd_"$version"_*.deb)
echo "$deb"

#!/usr/bin/env bash
# A city's own APT repository for Changgu, kept with reprepro (Debian's `reprepro` package).
#
#   bash packaging/apt_repo.sh REPO changgu_<version>_amd64.deb [more .deb ...]
#
# Creates REPO (conf/distributions for bookworm, main, amd64) the first time, then adds each .deb;
# a newer version of a package replaces the older one, as apt expects. Publish REPO's dists/ and
# pool/ with any web server on the administrative network (or a shared folder), then on each
# counter PC:
#
#   echo "deb [signed-by=/etc/apt/keyrings/city.gpg] https://apt.city.local/changgu bookworm main" \
#       > /etc/apt/sources.list.d/changgu.list
#   apt-get update && apt-get install changgu        # later: apt-get upgrade
#
# Environment:
#   CHANGGU_REPO_KEY   a GnuPG key id to sign the repository with (reprepro's SignWith); without
#                      it the repository is unsigned, for a test with `[trusted=yes]` only
#   CHANGGU_REPO_CODENAME   the Debian release the counters run (default bookworm)
set -euo pipefail

die() { echo "apt_repo.sh: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: apt_repo.sh REPO DEB [DEB ...]"
command -v reprepro >/dev/null || die "reprepro not found: apt-get install reprepro"

REPO="$1"
shift
CODENAME="${CHANGGU_REPO_CODENAME:-bookworm}"
mkdir -p "$REPO/conf"
if [ ! -f "$REPO/conf/distributions" ]; then
	{
		echo "Origin: Changgu"
		echo "Label: Changgu"
		echo "Codename: $CODENAME"
		echo "Architectures: amd64"
		echo "Components: main"
		echo "Description: Changgu counter interpreter for this city's counter PCs"
		if [ -n "${CHANGGU_REPO_KEY:-}" ]; then echo "SignWith: $CHANGGU_REPO_KEY"; fi
	} >"$REPO/conf/distributions"
fi
for deb in "$@"; do
	[ -f "$deb" ] || die "$deb does not exist"
	reprepro --basedir "$REPO" --silent includedeb "$CODENAME" "$deb"
	echo "added $(dpkg-deb --field "$deb" Package) $(dpkg-deb --field "$deb" Version) to $REPO"
done
reprepro --basedir "$REPO" list "$CODENAME"

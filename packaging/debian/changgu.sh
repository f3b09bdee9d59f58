#!/bin/sh
# /usr/bin/changgu: starts the packaged Changgu in /opt/changgu (it brings its own Python and Qt).
# Qt wants a UTF-8 locale; a bare session (a service, a kiosk login) may have none.
if [ -z "${LANG:-}" ] && [ -z "${LC_ALL:-}" ]; then
	export LANG=C.UTF-8
fi
exec /opt/changgu/changgu "$@"

#!/bin/sh
# /usr/bin/changgu: starts the packaged Changgu in /opt/changgu (it brings its own Python and Qt).
# Qt wants a UTF-8 locale; a bare session (a service, a kiosk login) may have none.
if [ -z "${LANG:-}" ] && [ -z "${LC_ALL:-}" ]; then
	export LANG=C.UTF-8
fi
# `sudo changgu models install NAME --from PATH` (packaging/README.md): the model manager creates
# model folders readable by their owner only, and here the owner is root while the kiosk runs as the
# counter's user. Open what root installed under /opt/changgu/models to every user, read-only.
if [ "$(id -u)" = 0 ]; then
	for arg in "$@"; do
		if [ "$arg" = models ]; then
			status=0
			/opt/changgu/changgu "$@" || status=$?
			chmod -R a+rX,go-w /opt/changgu/models 2>/dev/null || true
			exit "$status"
		fi
	done
fi
exec /opt/changgu/changgu "$@"

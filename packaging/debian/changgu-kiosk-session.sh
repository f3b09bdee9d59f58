#!/bin/sh
# /usr/bin/changgu-kiosk-session: the "Changgu kiosk" login session. Runs the kiosk full screen and
# starts it again if it ever stops, so the counter never shows a desktop. To leave it: an administrator
# logs in on a text console (Ctrl+Alt+F3) and restarts the display manager (see
# /usr/share/changgu/README.md).
KIOSK_ARGS="${CHANGGU_KIOSK_ARGS:-$*}"
xset s off -dpms 2>/dev/null || true  # no screen saver at a counter
while :; do
	# shellcheck disable=SC2086  # the arguments are words on purpose
	/opt/changgu/changgu $KIOSK_ARGS
	sleep 2
done

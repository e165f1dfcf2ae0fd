#!/bin/sh
# check-walls.sh - enforce the dependency walls of DESIGN.md section 3 on #include lines.
#
#   models/wire  may include only libc, the crypto library and models/wire itself
#   models/mcp   may include models/wire and models/mcp, never sim/ or other models
#   sim/         may include no model
#   models/app   reaches transports only through models/sock and models/host: never
#                models/tcp/ or models/mptcp/ (nor any other stack); sim/, models/net/ and
#                models/wire/ are allowed
# Exit 1 with file:line for every include that crosses a wall.
set -u
fail=0
check() { # check DIR ALLOWED_REGEX
    dir=$1; allowed=$2
    [ -d "$dir" ] || return 0
    grep -rn --include='*.[ch]' -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$dir" |
    while IFS= read -r line; do
        inc=$(printf '%s\n' "$line" | sed -E 's/.*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/')
        case "$inc" in */*) ;; *) continue ;; esac   # same-folder include
        if ! printf '%s\n' "$inc" | grep -qE "$allowed"; then
            echo "wall: ${line%%:*}:$(printf '%s' "$line" | cut -d: -f2): \"$inc\" may not be included from $dir/"
            echo x
        fi
    done
}
out=$( { check models/wire '^models/wire/'; check models/mcp '^models/(wire|mcp)/'; check sim '^sim/'
        check models/app '^(sim|models/(app|sock|host|net|wire))/'; } )
if [ -n "$out" ]; then
    printf '%s\n' "$out" | grep -v '^x$' >&2
    fail=1
fi
[ $fail -eq 0 ] && echo "walls: ok (models/wire, models/mcp, sim, models/app)"
exit $fail

#!/usr/bin/env bash
# Kill -9 soak of the three services. Not part of `go test`: it takes minutes
# and needs redis-server, redis-cli and curl on PATH.
#
#   scripts/soak.sh                 # 60 s of orders, a kill -9 every ~3 s
#   DURATION=300 KILL_EVERY=2 scripts/soak.sh
#   APPENDFSYNC=everysec scripts/soak.sh   # Redis may then lose its last second on kill -9
#
# It starts a private redis-server (AOF on, appendfsync always by default) on a
# free port, builds and starts order-, payment- and notification-service, and
# places orders through POST /orders one after another, each with its own
# Idempotency-Key, retrying the same key until it gets a 201. Meanwhile it
# kills -9 one of the three services or Redis itself at random and restarts
# it. At the end it lets the system drain and counts, per accepted order:
# payments (payment-events), mails and SMS (notification-service's stdout).
# "lost" is an accepted order with none, "duplicated" one with more than one.
# A duplicated notification marked "(duplicate possible)" is the visible kind
# the service promises; an unmarked one would be a defect.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60}
KILL_EVERY=${KILL_EVERY:-3}
APPENDFSYNC=${APPENDFSYNC:-always}
for tool in redis-server redis-cli curl go; do
	command -v "$tool" >/dev/null || { echo "soak: $tool is not on PATH" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
echo "soak: working in $work"
: >"$work/accepted"

free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

go build -o "$work/order-service" ./04-order-service
go build -o "$work/payment-service" ./05-payment-service
go build -o "$work/notification-service" ./06-notification-service

RPORT=$(free_port)
OPORT=$(free_port)
PPORT=$(free_port)
NPORT=$(free_port)
export REDIS_URL="127.0.0.1:$RPORT"
cli() { redis-cli -p "$RPORT" "$@"; }

declare -A pid
start() {
	case $1 in
	redis)
		redis-server --port "$RPORT" --bind 127.0.0.1 --dir "$work" --save '' \
			--appendonly yes --appendfsync "$APPENDFSYNC" >>"$work/redis.log" 2>&1 &
		pid[redis]=$!
		;;
	order) PORT=$OPORT "$work/order-service" >>"$work/order.out" 2>>"$work/order.err" & pid[order]=$! ;;
	payment)
		PORT=$PPORT CLAIM_MIN_IDLE=2s "$work/payment-service" >>"$work/payment.out" 2>>"$work/payment.err" &
		pid[payment]=$!
		;;
	notification)
		PORT=$NPORT CLAIM_MIN_IDLE=2s "$work/notification-service" >>"$work/notification.out" 2>>"$work/notification.err" &
		pid[notification]=$!
		;;
	esac
}
stop_all() {
	for name in order payment notification; do kill -TERM "${pid[$name]}" 2>/dev/null || true; done
	for name in order payment notification; do wait "${pid[$name]}" 2>/dev/null || true; done
	kill -TERM "${pid[redis]}" 2>/dev/null || true
	wait "${pid[redis]}" 2>/dev/null || true
}
trap 'kill "${placer:-}" "${killer:-}" 2>/dev/null || true; stop_all' EXIT

start redis
for _ in $(seq 100); do cli PING >/dev/null 2>&1 && break; sleep 0.1; done
# The services exit when Redis does not answer at start; it does by now.
start order
start payment
start notification
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$OPORT/livez" >/dev/null 2>&1 && break; sleep 0.1; done

# place N: POST one order until it is accepted (201), with the same key each try.
place() {
	local key=soak-$1 code
	for _ in $(seq 600); do
		code=$(curl -s -o "$work/body" -w '%{http_code}' --max-time 5 -H "Idempotency-Key: $key" -H 'Content-Type: application/json' \
			-d '{"userId":"soak-user","productId":"p1","price":"10"}' "http://127.0.0.1:$OPORT/orders" || true)
		if [ "$code" = 201 ]; then
			sed -n 's/.*"orderId": *"\([^"]*\)".*/\1/p' "$work/body" | head -1 >>"$work/accepted"
			return
		fi
		sleep 0.1
	done
	echo "soak: order $1 not accepted after 600 tries" >&2
}

(
	n=0
	end=$((SECONDS + DURATION))
	while [ $SECONDS -lt $end ]; do
		n=$((n + 1))
		place "$n"
	done
) &
placer=$!

kills=0
declare -A killed=([redis]=0 [order]=0 [payment]=0 [notification]=0)
targets=(redis order payment notification)
end=$((SECONDS + DURATION))
while [ $SECONDS -lt $end ]; do
	sleep "$KILL_EVERY"
	# A service that exited by itself (it started while Redis was away) runs again.
	for name in order payment notification; do
		kill -0 "${pid[$name]}" 2>/dev/null || start "$name"
	done
	victim=${targets[RANDOM % 4]}
	kill -KILL "${pid[$victim]}" 2>/dev/null || true
	wait "${pid[$victim]}" 2>/dev/null || true
	kills=$((kills + 1))
	killed[$victim]=$((killed[$victim] + 1))
	sleep 0.$((RANDOM % 10))
	start "$victim"
	if [ "$victim" = redis ]; then
		for _ in $(seq 100); do cli PING >/dev/null 2>&1 && break; sleep 0.1; done
	fi
done
wait "$placer"
placer=

# A service that exited (say, it started while Redis was loading) runs again.
for name in order payment notification; do
	kill -0 "${pid[$name]}" 2>/dev/null || start "$name"
done

orders=$(sort -u "$work/accepted" | wc -l)
count_payments() {
	cli --raw XRANGE payment-events - + | awk 'f { print; f = 0 } $0 == "orderId" { f = 1 }' | sort >"$work/paid"
}
count_lines() { # count_lines KIND: the orderIds on the mail or SMS lines
	grep -o "orderId: [^ ]* ($1 sent)" "$work/notification.out" | awk '{ print $2 }' | sort >"$work/$1" || true
}
echo "soak: $orders orders accepted; waiting for the system to drain"
for _ in $(seq 240); do
	count_payments
	count_lines mail
	count_lines SMS
	if [ "$(sort -u "$work/paid" | wc -l)" -ge "$orders" ] && [ "$(sort -u "$work/mail" | wc -l)" -ge "$orders" ] &&
		[ "$(sort -u "$work/SMS" | wc -l)" -ge "$orders" ]; then
		break
	fi
	sleep 0.5
done
entries=$(cli XLEN order-events)
distinct=$(cli --raw XRANGE order-events - + | awk 'f { print; f = 0 } $0 == "orderId" { f = 1 }' | sort -u | wc -l)
dead=$(($(cli XLEN order-events:dlq:payment-service-group) + $(cli XLEN order-events:dlq:notification-service-group) +
	$(cli XLEN payment-events:dlq:notification-service-group)))
trap - EXIT
stop_all

lost() { comm -23 <(sort -u "$work/accepted") <(sort -u "$1") | wc -l; }
dups() { uniq -d "$1" | wc -l; }
possible=$(grep -c '(duplicate possible)' "$work/notification.out" || true)
echo
echo "soak: ${DURATION}s, appendfsync $APPENDFSYNC"
echo "orders accepted (201): $orders; order-events: $entries entries, $distinct orderIds; dead letters: $dead"
echo "kills: $kills (redis ${killed[redis]}, order ${killed[order]}, payment ${killed[payment]}, notification ${killed[notification]})"
echo "payments: lost $(lost "$work/paid"), duplicated $(dups "$work/paid")"
# A duplicate neither line of which says "(duplicate possible)" would be silent.
unmarked() { grep -v '(duplicate possible)' "$work/notification.out" | grep -o "orderId: [^ ]* ($1 sent)" | sort | uniq -d | wc -l; }
echo "mails:    lost $(lost "$work/mail"), duplicated $(dups "$work/mail") (unmarked $(unmarked mail))"
echo "SMS:      lost $(lost "$work/SMS"), duplicated $(dups "$work/SMS") (unmarked $(unmarked SMS))"
echo "notification lines marked (duplicate possible): $possible"
echo "logs and counts: $work"

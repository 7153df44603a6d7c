#!/usr/bin/env bash
# The broker's access control, for Mosquitto's dynamic-security plugin (shipped
# with Debian's mosquitto 2.0; topic contract: protocol/README.md). Unlike an
# acl_file, the plugin checks subscriptions: a filter outside a client's rights
# gets SUBACK 0x87 (not authorized) at subscribe time instead of being granted
# and then silently delivering nothing (or, for a shared subscription, taking
# half of the ingest's messages and dropping them).
#
#   dynsec.sh config NAME...   print a dynamic-security.json granting each
#                              client (certificate CN) its rights
#   dynsec.sh add NAME         print the $CONTROL/dynamic-security/v1 request
#                              that grants one more client on a running broker
#   dynsec.sh remove NAME      print the request that deletes a client (and a
#                              hub's own role); the plugin disconnects it
#
# What a name may do follows from the name:
#   nara-broker-admin          manages the plugin ($CONTROL/dynamic-security)
#   nara-ingest, nara-ingest-* an ingest node (one certificate per node): reads
#                              every hub's obs/alert/status (also through a
#                              shared subscription), writes acks, config and
#                              alertseen (a person saw an alert)
#   nara-peer, nara-peer-*     a measurement peer (load-tools/node-red, dev
#                              stack only): reads the hubs' obs, nothing else
#   anything else              a hub: writes only its own obs/alert/status,
#                              subscribes to and receives only its own ack,
#                              config and alertseen (the 2.0 plugin has no %u
#                              pattern, so each hub has a role of its own)
# A client the plugin does not know may do nothing at all.
set -euo pipefail

die() {
	echo "dynsec: $*" >&2
	exit 2
}

# Names become JSON strings and topic levels: the same rule as dev-pki.sh.
valid_name() { [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]]; }

acl() { printf '{"acltype":"%s","topic":"%s","allow":true}' "$1" "$2"; }

join() {
	local IFS=,
	echo "$*"
}

ingest_acls() {
	local a=() k
	for k in obs alert status; do
		a+=("$(acl subscribePattern "\$share/+/nara/v1/hub/+/$k")")
	done
	for k in obs alert status ack config alertseen; do
		a+=("$(acl subscribePattern "nara/v1/hub/+/$k")" "$(acl publishClientReceive "nara/v1/hub/+/$k")")
	done
	for k in ack config alertseen; do
		a+=("$(acl publishClientSend "nara/v1/hub/+/$k")")
	done
	join "${a[@]}"
}

admin_acls() {
	join "$(acl publishClientSend "\$CONTROL/dynamic-security/v1")" \
		"$(acl subscribeLiteral "\$CONTROL/dynamic-security/v1/response")" \
		"$(acl publishClientReceive "\$CONTROL/dynamic-security/v1/response")"
}

# A hub's rights, into REPLY (no subshell: the dev stack renders 10 000 hubs at a broker start).
hub_acls() {
	local base="nara/v1/hub/$1/" k
	REPLY=""
	for k in obs alert status; do
		REPLY+="{\"acltype\":\"publishClientSend\",\"topic\":\"$base$k\",\"allow\":true},"
	done
	for k in ack config alertseen; do
		REPLY+="{\"acltype\":\"subscribeLiteral\",\"topic\":\"$base$k\",\"allow\":true},"
		REPLY+="{\"acltype\":\"publishClientReceive\",\"topic\":\"$base$k\",\"allow\":true},"
	done
	REPLY=${REPLY%,}
}

peer_acls() {
	join "$(acl subscribePattern "nara/v1/hub/+/obs")" "$(acl publishClientReceive "nara/v1/hub/+/obs")"
}

# The role a name has, into REPLY.
role_of() {
	case $1 in
	nara-broker-admin) REPLY=admin ;;
	nara-peer | nara-peer-*) REPLY=peer ;;
	nara-ingest | nara-ingest-*) REPLY=ingest ;;
	*) REPLY="hub:$1" ;;
	esac
}

role() { printf '{"rolename":"%s","acls":[%s]}' "$1" "$2"; }

cmd_config() {
	local clients=() roles=("$(role admin "$(admin_acls)")" "$(role ingest "$(ingest_acls)")" \
		"$(role peer "$(peer_acls)")") name r
	for name in "$@"; do
		valid_name "$name" || die "invalid client name '$name'"
		role_of "$name"
		r=$REPLY
		clients+=("{\"username\":\"$name\",\"roles\":[{\"rolename\":\"$r\"}]}")
		if [[ $r == hub:* ]]; then
			hub_acls "$name"
			roles+=("{\"rolename\":\"$r\",\"acls\":[$REPLY]}")
		fi
	done
	printf '{"defaultACLAccess":{"publishClientSend":false,"publishClientReceive":false,"subscribe":false,'
	printf '"unsubscribe":true},"clients":[%s],"groups":[],"roles":[%s]}\n' "$(join "${clients[@]}")" \
		"$(join "${roles[@]}")"
}

cmd_add() {
	local name=$1 r cmds=()
	valid_name "$name" || die "invalid client name '$name'"
	role_of "$name"
	r=$REPLY
	if [[ $r == hub:* ]]; then
		hub_acls "$name"
		cmds+=("$(printf '{"command":"createRole","rolename":"%s","acls":[%s]}' "$r" "$REPLY")")
	fi
	cmds+=("$(printf '{"command":"createClient","username":"%s","roles":[{"rolename":"%s"}]}' "$name" "$r")")
	printf '{"commands":[%s]}\n' "$(join "${cmds[@]}")"
}

cmd_remove() {
	local name=$1 r cmds=()
	valid_name "$name" || die "invalid client name '$name'"
	role_of "$name"
	r=$REPLY
	cmds+=("$(printf '{"command":"deleteClient","username":"%s"}' "$name")")
	[[ $r == hub:* ]] && cmds+=("$(printf '{"command":"deleteRole","rolename":"%s"}' "$r")")
	printf '{"commands":[%s]}\n' "$(join "${cmds[@]}")"
}

[[ $# -ge 1 ]] || die "usage: $0 config NAME... | add NAME | remove NAME"
case $1 in
config)
	shift
	cmd_config "$@"
	;;
add)
	[[ $# -eq 2 ]] || die "usage: $0 add NAME"
	cmd_add "$2"
	;;
remove)
	[[ $# -eq 2 ]] || die "usage: $0 remove NAME"
	cmd_remove "$2"
	;;
*) die "unknown command '$1'" ;;
esac

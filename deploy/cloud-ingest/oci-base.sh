#!/usr/bin/env bash
# Prints the path of a cached OCI base image for the ingest's container image: a Docker-format image tarball (what
# `docker save` writes; Jib reads it as `tar://...`) of the amd64 Debian bookworm root file system with Java 17 that
# deploy/cloud-ingest/rootfs.sh makes. No registry and no container daemon are needed: Jib then builds the image to a
# tar (`mvn -pl cloud-node -am package -Dnara.oci.base=$(deploy/cloud-ingest/oci-base.sh)`). Cached under
# /var/cache/nara beside the root file system, keyed by it.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOTFS=$("$HERE/rootfs.sh")
CACHE=$(dirname "$ROOTFS")
BASE=$CACHE/oci-base-$(basename "$ROOTFS").tar
if [[ ! -f $BASE ]]; then
	exec 9>"$CACHE/.oci-base.lock"
	flock 9
	if [[ ! -f $BASE ]]; then
		WORK=$(mktemp -d "$CACHE/.oci-base.XXXXXX")
		trap 'rm -rf "$WORK"' EXIT
		# One layer: the root file system without its cache marker, owners kept as numbers.
		tar --numeric-owner --exclude=./.complete -C "$ROOTFS" -cf "$WORK/layer.tar" .
		python3 - "$WORK" <<'PY'
import hashlib, json, os, sys
work = sys.argv[1]
h = hashlib.sha256()
with open(os.path.join(work, "layer.tar"), "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
diff_id = "sha256:" + h.hexdigest()
config = {
    "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"]},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "deploy/cloud-ingest/rootfs.sh (mmdebstrap)"}],
}
data = json.dumps(config, sort_keys=True).encode()
name = hashlib.sha256(data).hexdigest() + ".json"
with open(os.path.join(work, name), "wb") as f:
    f.write(data)
with open(os.path.join(work, "manifest.json"), "w") as f:
    json.dump([{"Config": name, "RepoTags": ["nara/java-base:bookworm"], "Layers": ["layer.tar"]}], f)
PY
		tar -C "$WORK" -cf "$BASE.partial" manifest.json layer.tar $(cd "$WORK" && ls -- *.json | grep -v "^manifest.json$")
		mv "$BASE.partial" "$BASE"
	fi
fi
echo "$BASE"

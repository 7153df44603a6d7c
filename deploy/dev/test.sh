#!/usr/bin/env bash
# The whole test suite from a clean clone: installs the servers it needs (deploy/dev/stack.sh up does that on Debian),
# starts them on 127.0.0.1, then runs every unit and integration test with Maven. Extra arguments go to Maven.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"

command -v java >/dev/null || { echo "test: Java 17 is required (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "test: Maven is required (apt-get install maven)" >&2; exit 1; }

deploy/dev/stack.sh up
# -ntp: no download progress in CI logs.
mvn -B -ntp verify "$@"
echo "test: all tests passed; the stack is still running (deploy/dev/stack.sh down stops it)"

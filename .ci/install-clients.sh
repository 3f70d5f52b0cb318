#!/usr/bin/env bash
# Installs the third-party clients that the conformance tests drive against
# ferry: Debian's AWS CLI and boto3 (SQS and SNS over the query protocol), the
# AWS SDK for JavaScript v3 pinned in conformance/js/package-lock.json (SQS
# over AWS JSON, SNS over query), Debian's mosquitto clients (MQTT), and
# Debian's Chromium, which renders the dashboard headless. Safe to run
# again: what is installed already is kept,
# so a second run takes about a second.
set -euo pipefail

trap 'echo "install-clients: FAILED (line $LINENO: $BASH_COMMAND)" >&2' ERR

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

sudo=
if [ "$(id -u)" -ne 0 ]; then
	sudo=sudo
fi

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for pkg in awscli python3-boto3 chromium jq mosquitto-clients; do
	installed "$pkg" || missing+=("$pkg")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-clients: apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci wipes node_modules and installs the lock file exactly; skip it when
# node_modules already holds this lock file's install.
js="$root/conformance/js"
lock_sum=$(sha256sum "$js/package-lock.json" | cut -d' ' -f1)
stamp="$js/node_modules/.installed-lock-sha256"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_sum" ]; then
	echo "install-clients: npm ci in conformance/js"
	(cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	echo "$lock_sum" >"$stamp"
fi

# Check that each client starts, and say which versions the tests will use.
aws_version=$(/usr/bin/aws --version 2>&1)
boto3_version=$(/usr/bin/python3 -c 'import boto3; print(boto3.__version__)')
sdk_version=$(cd "$js" && node -p 'require("@aws-sdk/client-sqs/package.json").version')
echo "install-clients: ${aws_version%% *}, boto3 $boto3_version, @aws-sdk/client-sqs $sdk_version on node $(node --version)"

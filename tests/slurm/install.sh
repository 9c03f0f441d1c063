#!/usr/bin/env bash
# Installs what tests/slurm/run.sh needs: the Slurm controller, the compute-node daemon, the
# client commands and munge, from Debian's packages. Idempotent: when the four commands are
# already on PATH it does not touch apt at all.
#
# Only the four packages, without recommends: the metapackage slurm-wlm pulls in 43 packages.
# Their postinst scripts create the munge and slurm users and start nothing on a machine
# without systemd; run.sh starts its own daemons with its own key and configuration.
set -euo pipefail

# slurmctld, slurmd and munged live in /usr/sbin, which a non-login root shell may lack.
export PATH="$PATH:/usr/sbin:/sbin"

missing=()
# The version as dpkg knows it: `sbatch --version` already needs a cluster configuration.
version() { dpkg-query -W -f '${Version}' slurm-client 2>/dev/null || echo "not from a package"; }

for cmd in slurmctld slurmd sbatch munged; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
if [ "${#missing[@]}" -eq 0 ]; then
    echo "slurm: already installed ($(version))"
    exit 0
fi

echo "slurm: installing (missing: ${missing[*]})"
if [ "$(id -u)" -ne 0 ]; then
    echo "slurm: installing needs root (or install slurmctld slurmd slurm-client munge by hand)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge
echo "slurm: installed ($(version))"

#!/usr/bin/env bash
# SC2016: the arm64 steps are single-quoted on purpose (they expand inside the arm64 root)
# shellcheck disable=SC2016,SC2012
# make rehearse: the kiosk installed as README says on a Debian bookworm booted with systemd in a
# container (systemd-nspawn), then measured: start to READY, reload, kill -9, the watchdog, the start
# limit, the hardening, content going live, the rep log and metrics, uninstall. Root only; minutes.
#
#   sudo deploy/rehearse/rehearse.sh [--worktree | --src DIR] [--rebuild] [--keep]
#   sudo deploy/rehearse/rehearse.sh --arm64      # the pip install and `kiosk replay` in an arm64 root (qemu)
#
# The Debian root is built once with debootstrap and cached in $CRUX_REHEARSE_CACHE
# (/var/cache/crux-rehearse); every run boots a fresh copy of it. The last run's output and the
# container's journal are kept in deploy/rehearse/out/.
set -uo pipefail

# Run from a private copy: bash reads a script as it goes, and the checkout may change under a run
# that takes minutes (a git pull, another engineer's edit).
if [ -z "${CRUX_REHEARSE_HERE:-}" ]; then
  CRUX_REHEARSE_HERE=$(cd "$(dirname "$0")" && pwd)
  copy=$(mktemp /tmp/crux-rehearse.XXXXXX.sh)
  cp "$0" "$copy"
  CRUX_REHEARSE_HERE=$CRUX_REHEARSE_HERE exec bash "$copy" "$@"
fi
rm -f "$0"   # the private copy; bash has it open
HERE=$CRUX_REHEARSE_HERE
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${CRUX_REHEARSE_CACHE:-/var/cache/crux-rehearse}
MIRROR=${CRUX_REHEARSE_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
OUT=$HERE/out
MACHINE=crux-rehearse
# The fleet checks: sshd in the container on a veth pair of its own (a /30; CRUX_REHEARSE_NET if it clashes)
NET=${CRUX_REHEARSE_NET:-10.231.77}
HOST_ADDR=$NET.1 CT_ADDR=$NET.2 VETH=ve-crux NETNS=crux-ssh SSH_DIR=""
ANSIBLE_PLAYBOOK=${CRUX_REHEARSE_ANSIBLE:-$(command -v ansible-playbook || echo "$REPO/.venv/bin/ansible-playbook")}
# What a Raspberry Pi OS Lite image has that debootstrap's minbase lacks, and the tools the checks use.
PKGS=systemd,systemd-sysv,dbus,python3,python3-venv,python3-pip,sudo,acl,rsync,openssh-server,ca-certificates,iproute2,procps,git
ARM64_PKGS=python3,python3-venv,python3-pip,python3-numpy,ca-certificates

SRC_MODE=head SRC_DIR="" REBUILD=0 KEEP=0 ARM64=0
usage() { sed -n '2,11p' "$HERE/rehearse.sh" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --worktree) SRC_MODE=worktree ;;
    --src) SRC_MODE=dir; SRC_DIR=$(cd "$2" && pwd); shift ;;
    --rebuild) REBUILD=1 ;;
    --keep) KEEP=1 ;;
    --arm64) ARM64=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "rehearse: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

die() { echo "rehearse: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "run as root (it builds a Debian root and boots it): sudo $HERE/rehearse.sh"
for t in debootstrap systemd-nspawn nsenter git tar; do
  command -v "$t" >/dev/null || die "$t not found - apt install debootstrap systemd-container util-linux git"
done
if [ "$ARM64" = 0 ]; then
  for t in ssh ssh-keygen ip; do command -v "$t" >/dev/null || die "$t not found - apt install openssh-client iproute2"; done
fi
mkdir -p "$CACHE" "$OUT"
: >"$OUT/rehearse.log"
say() { echo "$*" | tee -a "$OUT/rehearse.log"; }
T_START=$(date +%s)

# base ARCH PKGS: a cached debootstrap root, rebuilt when the package list changes (or --rebuild)
base() {
  local arch=$1 pkgs=$2 dir=$CACHE/$SUITE-$1
  if [ "$REBUILD" = 0 ] && [ "$(cat "$dir/.crux-rehearse-base" 2>/dev/null)" = "$pkgs" ]; then
    say "== Debian $SUITE $arch root: cached in $dir"
    return
  fi
  say "== Debian $SUITE $arch root: debootstrap from $MIRROR into $dir (a few minutes; log $CACHE/$arch.log)"
  unmount_under "$dir"; unmount_under "$dir.tmp"
  rm -rf --one-file-system "$dir" "$dir.tmp"
  local t0; t0=$(date +%s)
  debootstrap --arch="$arch" --variant=minbase --include="$pkgs" "$SUITE" "$dir.tmp" "$MIRROR" >"$CACHE/$arch.log" 2>&1 \
    || die "debootstrap failed: see $CACHE/$arch.log"
  echo "$pkgs" >"$dir.tmp/.crux-rehearse-base"
  mv "$dir.tmp" "$dir"
  say "   built in $(( $(date +%s) - t0 )) s"
}

# unmount_under DIR: whatever a run left mounted in DIR (an interrupted --arm64 run's /proc and /dev):
# never rm -rf through a bind mount of this machine's /dev
unmount_under() {
  local m
  awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
}

# copy_checkout DEST: the code under test into DEST (HEAD by default: what `git pull` would bring)
copy_checkout() {
  mkdir -p "$1"
  case $SRC_MODE in
    head)
      git -C "$REPO" archive HEAD | tar -x -C "$1"
      say "   checkout: HEAD $(git -C "$REPO" log -1 --format='%h %s' | cut -c1-100)" ;;
    worktree)
      tar -C "$REPO" --exclude=./.git --exclude=./.venv --exclude=./deploy/rehearse/out --exclude='*.egg-info' \
        --exclude=__pycache__ --exclude=./.pytest_cache --exclude=./bench/out -c . | tar -x -C "$1"
      say "   checkout: the working tree of $REPO (uncommitted changes included)" ;;
    dir)
      tar -C "$SRC_DIR" --exclude=./.git --exclude=./.venv --exclude='*.egg-info' --exclude=__pycache__ -c . | tar -x -C "$1"
      say "   checkout: $SRC_DIR" ;;
  esac
}

PASSED=0 TOTAL=0 LAST=""
count() {   # count "PASS|FAIL name: figure"
  TOTAL=$((TOTAL + 1)); LAST=$1; say "$1"
  case $1 in PASS*) PASSED=$((PASSED + 1)) ;; esac
}
ARM64_TESTS="tests/test_modes.py tests/test_reps.py tests/test_config.py tests/test_notify.py tests/test_content.py"

# --arm64: the pip part of install.sh in an arm64 Debian root under qemu-user (binfmt_misc), wheels
# only; `kiosk --version`, `kiosk replay` on a generated clip, a quick part of the test suite.
# (No systemd boot here: systemd under qemu-user is not the point; the amd64 rehearsal covers it.)
rehearse_arm64() {
  command -v qemu-aarch64-static >/dev/null || die "qemu-aarch64-static not found - apt install qemu-user-static binfmt-support"
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64 \
    || die "no binfmt_misc entry for aarch64 (update-binfmts --enable qemu-aarch64)"
  base arm64 "$ARM64_PKGS"
  local root=$CACHE/run-arm64
  say "== a fresh copy of it; the checkout in /home/pi/crux-kiosk"
  unmount_under "$root"
  rm -rf --one-file-system "$root"; cp -a --reflink=auto "$CACHE/$SUITE-arm64" "$root"
  copy_checkout "$root/home/pi/crux-kiosk"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    say "   swap: this machine's local CA certificates trusted in the root"
  fi
  ARM_ROOT=$root
  trap 'unmount_under "$ARM_ROOT"' EXIT
  mount --bind /proc "$root/proc"; mount --bind /dev "$root/dev"
  a64() { chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy GPIOZERO_PIN_FACTORY=mock bash -c "$1"; }
  say "   $(a64 'uname -m; python3 --version' | tr '\n' ' ')under $(qemu-aarch64-static --version | head -n 1)"
  local t0 rc log=$OUT/arm64-install.log
  say "== install.sh's apt and pip steps (pip: --only-binary=:all:, nothing compiles)"
  t0=$(date +%s)
  a64 'set -e; update-ca-certificates >/dev/null 2>&1
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      python3 python3-venv python3-numpy python3-setuptools python3-wheel libgbm1 libegl1 libgles2 libdrm2
    python3 -m venv --system-site-packages /opt/crux-kiosk/venv
    cd /home/pi/crux-kiosk
    /opt/crux-kiosk/venv/bin/pip wheel --quiet --no-deps --no-build-isolation --wheel-dir /tmp/dist .
    echo "numpy==$(python3 -c "import numpy; print(numpy.__version__)")" >/tmp/constraints.txt
    /opt/crux-kiosk/venv/bin/pip install --only-binary=:all: --constraint /tmp/constraints.txt /tmp/dist/crux_kiosk-*.whl
    /opt/crux-kiosk/venv/bin/pip list 2>/dev/null | grep -i -E "pygame|gpiozero|segno|colorzero|numpy"' >"$log" 2>&1
  rc=$?
  tail -n 6 "$log" | sed 's/^/      /' | tee -a "$OUT/rehearse.log"
  local took=$(( $(date +%s) - t0 ))
  if [ "$rc" = 0 ]; then count "PASS arm64-install: apt + wheel build + pip --only-binary=:all: in ${took} s under qemu (log $log)"
  else count "FAIL arm64-install: exit $rc after ${took} s: $(grep -m1 -E 'ERROR|error:' "$log")"; fi
  local v; v=$(a64 '/opt/crux-kiosk/venv/bin/kiosk --version' 2>&1); rc=$?
  if [ "$rc" = 0 ]; then count "PASS arm64-version: kiosk --version: $v"; else count "FAIL arm64-version: exit $rc: $(echo "$v" | tail -n 1)"; fi
  t0=$(date +%s)
  local r; r=$(a64 'cd /tmp && /opt/crux-kiosk/venv/bin/python -c "
import numpy as np
from kiosk.sim.library import basic_set
from kiosk.sim.scene import render_clip
frames, fps, _ = render_clip(basic_set(reps=5, seed=8))
np.savez_compressed(\"/tmp/clip.npz\", frames=frames, fps=fps)
print(len(frames), \"frames\")
" && /opt/crux-kiosk/venv/bin/kiosk replay /tmp/clip.npz --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d[\"reps\"], d[\"ms_per_frame\"])"' 2>&1); rc=$?
  local reps ms; reps=$(echo "$r" | tail -n 1 | awk '{ print $1 }'); ms=$(echo "$r" | tail -n 1 | awk '{ print $2 }')
  if [ "$rc" = 0 ] && [ "$reps" = 5 ]; then
    count "PASS arm64-replay: kiosk replay on a generated 5-rep clip ($(echo "$r" | head -n 1)): 5 reps, ${ms} ms/frame under qemu ($(( $(date +%s) - t0 )) s)"
  else
    count "FAIL arm64-replay: exit $rc, reps ${reps:-?} of 5: $(echo "$r" | tail -n 2 | tr '\n' ' ')"
  fi
  t0=$(date +%s)
  r=$(a64 "cd /home/pi/crux-kiosk && /opt/crux-kiosk/venv/bin/pip install --quiet --only-binary=:all: pytest >/dev/null 2>&1
    /opt/crux-kiosk/venv/bin/python -m pytest -q -p no:cacheprovider $ARM64_TESTS 2>&1 | tail -n 1"); rc=$?
  if echo "$r" | grep -q -E '[0-9]+ passed' && ! echo "$r" | grep -q -E 'failed|error'; then
    count "PASS arm64-tests: $r ($ARM64_TESTS) in $(( $(date +%s) - t0 )) s under qemu"
  else
    count "FAIL arm64-tests: $r"
  fi
  say "   total $(( ($(date +%s) - T_START) / 60 )) min $(( ($(date +%s) - T_START) % 60 )) s"
  say "rehearsal: $PASSED of $TOTAL checks passed"
  [ "$PASSED" = "$TOTAL" ]
}
if [ "$ARM64" = 1 ]; then rehearse_arm64; exit; fi

base amd64 "$PKGS"
ROOT=$CACHE/run-amd64

say "== a fresh copy of it, set up as a Raspberry Pi OS Lite is"
unmount_under "$ROOT"
rm -rf --one-file-system "$ROOT"
cp -a --reflink=auto "$CACHE/$SUITE-amd64" "$ROOT"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
in_root useradd --create-home --shell /bin/bash --groups sudo pi
echo 'pi ALL=(ALL) NOPASSWD: ALL' >"$ROOT/etc/sudoers.d/010_pi-nopasswd"   # as Raspberry Pi OS has it
chmod 0440 "$ROOT/etc/sudoers.d/010_pi-nopasswd"
echo "$MACHINE" >"$ROOT/etc/hostname"
printf '127.0.1.1\t%s\n' "$MACHINE" >>"$ROOT/etc/hosts"
mkdir -p "$ROOT/var/log/journal"   # a persistent journal, so the reboot check can read the boot before
in_root systemctl mask --quiet console-getty.service
say "   user pi (sudo without password, as Raspberry Pi OS), persistent journal"
# sshd: not at boot (the container shares this machine's network for the install: apt and pip go out
# through this machine's network and TLS proxy). For the fleet checks it runs in a network namespace
# of its own inside the container, reached from here over a veth pair (ssh_up below); its
# ListenAddress exists only there, so it never listens on this machine's network.
in_root systemctl disable --quiet ssh.service ssh.socket 2>/dev/null
rm -f "$ROOT"/etc/ssh/ssh_host_*; in_root ssh-keygen -A -q   # this run's own host keys
mkdir -p "$ROOT/etc/systemd/system/ssh.service.d"
printf '# deploy/rehearse: sshd only in its own network namespace, never on the host network\n[Service]\nNetworkNamespacePath=/run/netns/%s\n' \
  "$NETNS" >"$ROOT/etc/systemd/system/ssh.service.d/50-rehearse.conf"
printf '# deploy/rehearse: the veth address only\nListenAddress %s\n' "$CT_ADDR" >"$ROOT/etc/ssh/sshd_config.d/50-rehearse.conf"
SSH_DIR=$(mktemp -d /tmp/crux-rehearse-ssh.XXXXXX)
ssh-keygen -q -t ed25519 -N '' -C crux-rehearse -f "$SSH_DIR/id_ed25519"
install -d -m 0700 "$ROOT/home/pi/.ssh"
install -m 0600 "$SSH_DIR/id_ed25519.pub" "$ROOT/home/pi/.ssh/authorized_keys"
in_root chown -R pi:pi /home/pi/.ssh
echo "$CT_ADDR $(cut -d' ' -f1,2 "$ROOT/etc/ssh/ssh_host_ed25519_key.pub")" >"$SSH_DIR/known_hosts"
say "   sshd off at boot; for the fleet checks in a network namespace of its own at $CT_ADDR (veth $VETH, this machine $HOST_ADDR); pi's authorized_keys has this run's key"
copy_checkout "$ROOT/home/pi/crux-kiosk"
in_root chown -R pi:pi /home/pi/crux-kiosk
install -m 0755 "$HERE/inside.sh" "$ROOT/usr/local/sbin/crux-rehearse-inside"
# A network that reaches the archives through a TLS proxy: trust what this machine trusts, as a Pi on
# that network would have to (pip and apt inside the container go out through it).
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
  in_root update-ca-certificates >/dev/null 2>&1
  say "   swap: this machine's local CA certificates trusted in the container ($(cd /usr/local/share/ca-certificates && ls -- *.crt | tr '\n' ' '))"
fi

# The drop-in: only what a container cannot have. Written before the install, so the installer's own
# `systemctl restart` already runs with it; removed before the uninstall check.
UNIT_SRC=$ROOT/home/pi/crux-kiosk/systemd/crux-kiosk.service
EXEC=$(sed -n 's/^ExecStart=//p' "$UNIT_SRC" | tail -n 1)
if echo "$EXEC" | grep -q -- '--camera [^ ]*'; then
  # shellcheck disable=SC2001  # a regex: bash's ${//} has no [^ ]*
  EXEC_SIM=$(echo "$EXEC" | sed 's/--camera [^ ]*/--camera sim/')
else
  EXEC_SIM="$EXEC --camera sim"
fi
mkdir -p "$ROOT/etc/systemd/system/crux-kiosk.service.d"
cat >"$ROOT/etc/systemd/system/crux-kiosk.service.d/50-rehearse.conf" <<EOF
# deploy/rehearse: what a container cannot have, and nothing else
[Service]
# no DRM device (/dev/dri) in the container: SDL draws off screen
Environment=SDL_VIDEODRIVER=offscreen
# no camera: the synthetic one
ExecStart=
ExecStart=$EXEC_SIM
EOF
say "   swap: SDL_VIDEODRIVER=offscreen instead of $(sed -n 's/^Environment=SDL_VIDEODRIVER=//p' "$UNIT_SRC") (no /dev/dri in a container)"
say "   swap: --camera sim in ExecStart (no camera in a container): $EXEC_SIM"
say "   not swapped: --buttons gpio --ledbar gpio (no gpiochip here: the kiosk's own no-GPIO path runs)"

# --- the container ------------------------------------------------------------------------------
LOOP="" CT=""
boot() {
  local old=${CT:-none} t0 nspawn=""
  if [ -z "$LOOP" ] || ! kill -0 "$LOOP" 2>/dev/null; then
    # PID 1 here is not systemd: --keep-unit --register=no (no machined, no scope); exit 133 = reboot
    ( while :; do
        systemd-nspawn -q -D "$ROOT" -M "$MACHINE" -b --keep-unit --register=no --link-journal=no \
          --console=read-only >>"$OUT/console.log" 2>&1
        rc=$?; [ "$rc" -eq 133 ] || exit "$rc"
      done ) &
    LOOP=$!
  fi
  t0=$(date +%s.%N)
  for _ in $(seq 600); do
    nspawn=$(pgrep -P "$LOOP" -x systemd-nspawn | head -n 1)
    [ -n "$nspawn" ] && CT=$(pgrep -P "$nspawn" -x systemd | head -n 1)
    [ -n "${CT:-}" ] && [ "$CT" != "$old" ] && break
    sleep 0.1
  done
  { [ -n "${CT:-}" ] && [ "$CT" != "$old" ]; } || die "the container did not boot: see $OUT/console.log"
  local st=""
  for _ in $(seq 300); do   # until its systemd answers and the boot is done
    st=$(ct systemctl is-system-running --wait 2>/dev/null)
    case $st in running|degraded) break ;; esac
    sleep 0.2
  done
  say "   booted: container PID 1 is $CT on this machine, system $st after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
}
ct() {   # run a command inside the container (no machined: nsenter into its PID 1's namespaces)
  nsenter --target "$CT" --all -- /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
}
stop_container() {
  [ -n "$LOOP" ] && kill -0 "$LOOP" 2>/dev/null || return 0
  ct systemctl poweroff 2>/dev/null
  for _ in $(seq 300); do kill -0 "$LOOP" 2>/dev/null || return 0; sleep 0.1; done
  local n; n=$(pgrep -P "$LOOP" -x systemd-nspawn); [ -n "$n" ] && kill "$n"
}
reboot_container() {
  ct systemctl reboot 2>/dev/null
  boot
}
save_journal() {
  ct journalctl -o short-precise --no-pager -u crux-kiosk >"$OUT/journal-crux-kiosk.txt" 2>/dev/null
  ct journalctl -o short-precise --no-pager >"$OUT/journal-all.txt" 2>/dev/null
  ct sh -c 'cat /var/tmp/crux-rehearse/install-readme.log /var/tmp/crux-rehearse/install.log' >"$OUT/install.log" 2>/dev/null
}
cleanup() {
  if [ "$KEEP" = 1 ] && [ -n "$CT" ]; then
    say "kept running (--keep): sudo nsenter --target $CT --all bash   (stop: ... systemctl poweroff)"
    [ -f "$SSH_DIR/inventory.ini" ] && say "   and over SSH: ssh -i $SSH_DIR/id_ed25519 -o UserKnownHostsFile=$SSH_DIR/known_hosts pi@$CT_ADDR"
    return
  fi
  local s
  for s in "$SSH_DIR"/cp/*; do   # ansible's ControlPersist masters
    [ -S "$s" ] && ssh -o ControlPath="$s" -O exit crux-rehearse >/dev/null 2>&1
  done
  stop_container
  ip link del "$VETH" 2>/dev/null   # normally gone with the container's namespace already
  [ -n "$SSH_DIR" ] && rm -rf "$SSH_DIR"
}
trap cleanup EXIT

INSTALLED=1
run_check() {   # run_check NAME [ARGS]: one check inside the container; counts its PASS/FAIL line
  local name=$1 out line
  TOTAL=$((TOTAL + 1))
  if [ "$INSTALLED" = 0 ]; then
    say "FAIL $name: not run - the kiosk is not installed"; return
  fi
  out=$(ct crux-rehearse-inside "$@" 2>&1)
  echo "$out" | grep -v -E '^(PASS|FAIL) ' | tee -a "$OUT/rehearse.log"
  line=$(echo "$out" | grep -E '^(PASS|FAIL) ' | tail -n 1)
  [ -n "$line" ] || line="FAIL $name: the check printed no result"
  say "$line"
  LAST=$line
  case $line in PASS*) PASSED=$((PASSED + 1)) ;; esac
}

# --- the fleet: sshd in the container on a network of its own, the content playbook over SSH -----
# ssh_up: a network namespace inside the container (/run/netns/crux-ssh there) with one end of a veth
# pair; the other end stays on this machine (the container shares its network: that is where the
# install ran). ssh.service's drop-in puts sshd in that namespace; its ListenAddress is only there.
SSH_OK=0
ssh_up() {
  ip link del "$VETH" 2>/dev/null   # a stale one from an interrupted run
  ct ip netns add "$NETNS" || return 1
  ct ip link add "$VETH" type veth peer name host0 netns "$NETNS" || return 1
  ip addr add "$HOST_ADDR/30" dev "$VETH" && ip link set "$VETH" up || return 1
  ct ip -n "$NETNS" addr add "$CT_ADDR/30" dev host0 && ct ip -n "$NETNS" link set host0 up \
    && ct ip -n "$NETNS" link set lo up || return 1
  ct systemctl start ssh.service || return 1
  local _
  for _ in $(seq 50); do timeout 1 bash -c "</dev/tcp/$CT_ADDR/22" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
# ansible-playbook/ansible as fleet staff run them: the project's ansible.cfg, an inventory, SSH keys
fleet_env() {
  env ANSIBLE_CONFIG="$ROOT/home/pi/crux-kiosk/deploy/ansible/ansible.cfg" ANSIBLE_HOME="$SSH_DIR/ansible" \
    ANSIBLE_LOCAL_TEMP="$SSH_DIR/ansible/tmp" ANSIBLE_SSH_CONTROL_PATH_DIR="$SSH_DIR/cp" ANSIBLE_NOCOLOR=1 \
    ANSIBLE_FORCE_COLOR=0 "$@"
}
ct_showing() {   # ct_showing KEY: a field of the running kiosk's content record
  ct python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' \
    /run/crux-kiosk/content-showing.json "$1" 2>/dev/null
}
ct_content_sum() { ct sh -c 'cd /etc/crux-kiosk/content && find . -type f | sort | xargs sha256sum | sha256sum | cut -c1-12'; }
ct_mark() { local t; t=$(date +%s.%N); echo "@${t:0:17}"; }
ct_journal_since() { ct journalctl -u crux-kiosk.service --since "$1" -o cat --no-pager 2>/dev/null; }
report_line() { grep -o -m1 -E 'crux-rehearse: content [^"]*' "$1" | head -n 1; }

fleet_checks() {
  local pb=$ROOT/home/pi/crux-kiosk/deploy/ansible/content.yml inv=$SSH_DIR/inventory.ini
  local ansible=${ANSIBLE_PLAYBOOK%-playbook}
  if [ "$INSTALLED" = 0 ]; then
    for n in fleet-ssh fleet-push fleet-bad; do count "FAIL $n: not run - the kiosk is not installed"; done; return
  fi
  if [ ! -x "$ANSIBLE_PLAYBOOK" ]; then
    for n in fleet-ssh fleet-push fleet-bad; do
      count "FAIL $n: not run - no ansible-playbook ($ANSIBLE_PLAYBOOK; make test's .venv has it, or CRUX_REHEARSE_ANSIBLE=path)"
    done; return
  fi
  cat >"$inv" <<INV
# written by deploy/rehearse: the booted container, reached over SSH on the rehearsal's veth
[kiosks]
crux-rehearse ansible_host=$CT_ADDR

[kiosks:vars]
ansible_user=pi
ansible_python_interpreter=/usr/bin/python3
ansible_ssh_private_key_file=$SSH_DIR/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$SSH_DIR/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'
INV
  mkdir -p "$SSH_DIR/ansible/tmp" "$SSH_DIR/cp"

  # 1. sshd in its own network namespace, reached from here; ansible with become is root there
  local t0 out rc sshd_ns host_ns sshd_pid
  t0=$(date +%s.%N)
  if ssh_up; then
    sshd_pid=$(ct systemctl show -p MainPID --value ssh.service)
    sshd_ns=$(ct readlink "/proc/$sshd_pid/ns/net"); host_ns=$(readlink /proc/self/ns/net)
    out=$(fleet_env "$ansible" -i "$inv" kiosks -b -m ansible.builtin.command -a 'id -un' 2>&1); rc=$?
    echo "$out" >"$OUT/ansible-ssh.log"
    local took; took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    if [ "$rc" = 0 ] && echo "$out" | grep -q -E '^root$' && [ "$sshd_ns" != "$host_ns" ]; then
      SSH_OK=1
      count "PASS fleet-ssh: sshd in the container's own network namespace ($sshd_ns, this machine $host_ns) at $CT_ADDR:22 via $VETH; ansible -b as pi over SSH: $(echo "$out" | head -n 1 | sed 's/ *>>.*//') -> root (${took} s with sshd start)"
    else
      count "FAIL fleet-ssh: ansible -b over SSH to pi@$CT_ADDR exit $rc, sshd netns $sshd_ns (this machine $host_ns): $(echo "$out" | grep -m1 -E 'UNREACHABLE|FAILED|ERROR|msg' | cut -c1-200)"
    fi
  else
    count "FAIL fleet-ssh: could not put sshd on a veth of its own ($VETH $HOST_ADDR <-> $CT_ADDR): $(ct systemctl is-active ssh.service) $(ct journalctl -u ssh.service -o cat --no-pager 2>/dev/null | tail -n 2 | tr '\n' ' ')"
  fi
  if [ "$SSH_OK" = 0 ]; then
    for n in fleet-push fleet-bad; do count "FAIL $n: not run - no SSH to the container"; done; return
  fi

  # 2. a changed content directory pushed from this machine goes live
  local src=$SSH_DIR/content-push v0 v1 new mark line t_live rep
  rm -rf "$src"; cp -a "$ROOT/etc/crux-kiosk/content" "$src"
  new="Crux Fleet $(date +%H%M%S)"
  sed -i "s/^name = .*/name = \"$new\"/" "$src/content.toml"
  v0=$(ct_showing version); mark=$(ct_mark); t0=$(date +%s.%N)
  fleet_env "$ANSIBLE_PLAYBOOK" -i "$inv" "$pb" -e "content_src=$src" >"$OUT/ansible-push.log" 2>&1; rc=$?
  local t1 pt; t1=$(date +%s.%N); pt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  rep=$(report_line "$OUT/ansible-push.log")
  line="" t_live="" v1=""
  for _ in $(seq 150); do   # until the kiosk shows the new name, then its journal line for that version
    if ct grep -q "$new" /run/crux-kiosk/content-showing.json 2>/dev/null; then
      t_live=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
      v1=$(ct_showing version); break
    fi
    sleep 0.1
  done
  [ -n "$v1" ] && line=$(ct_journal_since "$mark" | grep -E "content version .* -> $v1" | head -n 1)
  say "      $rep"; say "      $(grep -m1 -E '^PLAY RECAP' -A1 "$OUT/ansible-push.log" | tail -n 1 | tr -s ' ')"
  if [ "$rc" = 0 ] && echo "$rep" | grep -q 'content OK.*reloaded' && [ -n "$line" ] && [ "$v1" != "$v0" ]; then
    count "PASS fleet-push: content.yml over SSH exit 0 in $pt s (\"$rep\"); live ${t_live} s after it ended (its reload waits for the files to settle, 2 s): \"${line#INFO kiosk.content.live: }\""
  else
    count "FAIL fleet-push: content.yml exit $rc in $pt s; report: ${rep:-none}; journal: ${line:-no content version line}; showing $v0 -> $v1 (log $OUT/ansible-push.log)"
  fi
  echo "$v1" >"$SSH_DIR/good-version"

  # 3. a broken content directory is rejected on the kiosk; the live one is not touched
  local good sum0 sum1 after
  good=$(ct_showing version); sum0=$(ct_content_sum)
  sed -i 's/^name = .*/name = "Crux Fleet/' "$src/content.toml"   # a string left open
  mark=$(ct_mark); t0=$(date +%s.%N)
  fleet_env "$ANSIBLE_PLAYBOOK" -i "$inv" "$pb" -e "content_src=$src" >"$OUT/ansible-bad.log" 2>&1; rc=$?
  pt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  rep=$(report_line "$OUT/ansible-bad.log")
  sleep 3   # the kiosk polls its directory about every 2 s: had anything changed there, it would say so
  sum1=$(ct_content_sum); v1=$(ct_showing version)
  after=$(ct_journal_since "$mark" | grep -c -E 'content (version|edit|in )')
  say "      $rep"; say "      $(grep -m1 -E '^PLAY RECAP' -A1 "$OUT/ansible-bad.log" | tail -n 1 | tr -s ' ')"
  if [ "$rc" != 0 ] && echo "$rep" | grep -q 'content REJECTED' && [ "$sum1" = "$sum0" ] && [ "$v1" = "$good" ] && [ "$after" = 0 ]; then
    count "PASS fleet-bad: content.yml exit $rc in $pt s, host failed: \"$(echo "$rep" | cut -c1-160)\"; live directory unchanged (sha $sum0), no reload, still showing $good"
  else
    count "FAIL fleet-bad: content.yml exit $rc; report: ${rep:-none}; live directory $sum0 -> $sum1; showing $good -> $v1; $after content lines in the journal"
  fi
}

say "== boot it: systemd-nspawn -b"
boot

say "== install as README says (as pi, in ~/crux-kiosk)"
run_check install-plain
run_check install
case $LAST in PASS*) ;; *) INSTALLED=0 ;; esac
[ "$INSTALLED" = 1 ] && ct crux-rehearse-inside setup-metrics 2>&1 | tee -a "$OUT/rehearse.log"

say "== systemd"
run_check start-ready
run_check reload
run_check relearn
run_check kill-9
run_check watchdog
run_check start-limit
run_check no-display

say "== hardening"
run_check hardening
run_check content-readonly
README_EXPOSURE=$(grep -o -m1 -E 'exposure [0-9.]+' "$REPO/README.md" | awk '{ print $2 }')
run_check security "${README_EXPOSURE:-1.2}"

say "== files where README says"
run_check replog
run_check replog-staff
run_check metrics

say "== content (as staff: rsync into /etc/crux-kiosk/content, no sudo)"
run_check content-live
run_check content-rsync
run_check content-bad
if [ "$INSTALLED" = 1 ]; then say "   rebooting the container with the bad edit on disk"; reboot_container; fi
run_check content-reboot

say "== the fleet: deploy/ansible/content.yml from this machine over SSH with become"
fleet_checks

say "== uninstall"
save_journal
run_check uninstall
run_check purge

say "   total $(( ($(date +%s) - T_START) / 60 )) min $(( ($(date +%s) - T_START) % 60 )) s; output and journal in $OUT"
say "rehearsal: $PASSED of $TOTAL checks passed"
[ "$PASSED" = "$TOTAL" ]

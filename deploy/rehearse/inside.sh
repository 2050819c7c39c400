#!/usr/bin/env bash
# SC2015: "test && ok || not-ok" is meant (each branch only appends to a string);
# SC2016: the probe's script is single-quoted on purpose (it runs in the service's namespace)
# shellcheck disable=SC2015,SC2016
# The rehearsal's checks, run INSIDE the booted container by deploy/rehearse/rehearse.sh (copied there as
# /usr/local/sbin/crux-rehearse-inside). Each check prints exactly one line "PASS|FAIL <name>: <figure>"
# (the host counts them), plus indented detail lines and "NOTE" lines for what cannot be checked here.
#   crux-rehearse-inside <check> [args]
set -uo pipefail

U=crux-kiosk.service
APP_USER=crux-kiosk
STAFF=pi                                   # the login that ran the installer with sudo, as on a Pi
CHECKOUT=/home/$STAFF/crux-kiosk
STATE=/var/tmp/crux-rehearse               # figures one check hands to a later one (survives the reboot)
CONTENT=/etc/crux-kiosk/content
SHOWING=/run/crux-kiosk/content-showing.json
TEXTFILE=/var/lib/prometheus/node-exporter/crux_kiosk.prom   # README's [metrics] textfile
mkdir -p "$STATE"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }     # le A B: A <= B (decimals)
usec() { systemd-analyze timespan "$1" | awk '/μs:/ { print $2 }'; }
secs() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1e6 }'; }
prop() { systemctl show -p "$1" --value "$U"; }
result() { echo "$1 $2: $3"; }                                   # result PASS|FAIL name figure
detail() { sed 's/^/      /'; }
# A mark in the journal is a time (to the microsecond): journal cursors are not comparable across
# the system and user journal files (their sequence numbers differ), so --after-cursor misses lines.
cursor() { local t; t=$(date +%s.%N); echo "@${t:0:17}"; }
# the unit's journal since a mark (systemd's own lines about the unit included)
journal_after() { journalctl -u "$U" --since "$1" -o cat --no-pager 2>/dev/null; }
staff() { su - "$STAFF" -c "$*"; }
showing_field() {   # showing_field KEY: a top-level field of the running kiosk's content record
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$SHOWING" "$1" 2>/dev/null
}

# journal_wait CURSOR REGEX TIMEOUT_S: prints "<seconds> <first matching line>", 1 on timeout
journal_wait() {
  local t0 line; t0=$(now)
  while :; do
    line=$(journal_after "$1" | grep -m1 -E -- "$2")
    if [ -n "$line" ]; then echo "$(elapsed "$t0") $line"; return 0; fi
    le "$(elapsed "$t0")" "$3" || return 1
    sleep 0.1
  done
}

# running_after OLD_PID TIMEOUT_S: waits for active (running) under a main PID other than OLD_PID.
# Prints "<seconds> <pid>", or "failed <result>" / "timeout <state>" and returns 1.
running_after() {
  local old=$1 limit=$2 t0 MainPID ActiveState SubState Result; t0=$(now)
  while :; do
    eval "$(systemctl show -p MainPID -p ActiveState -p SubState -p Result "$U")"
    if [ "$ActiveState" = active ] && [ "$SubState" = running ] && [ "$MainPID" != 0 ] && [ "$MainPID" != "$old" ]; then
      echo "$(elapsed "$t0") $MainPID"; return 0
    fi
    if [ "$ActiveState" = failed ]; then echo "failed $Result"; return 1; fi
    le "$(elapsed "$t0")" "$limit" || { echo "timeout $ActiveState/$SubState"; return 1; }
    sleep 0.05
  done
}

ensure_running() {
  [ "$(prop ActiveState)" = active ] && return 0
  systemctl reset-failed "$U" 2>/dev/null; systemctl start "$U" 2>/dev/null
  running_after 0 30 >/dev/null
}

# --- install ------------------------------------------------------------------------------------
leftovers() {   # what an install (or a stopped one) left on the system
  local l=""
  id "$APP_USER" >/dev/null 2>&1 && l+=" user:$APP_USER"
  getent group crux-content >/dev/null && l+=" group:crux-content"
  [ -e /opt/crux-kiosk ] && l+=" /opt/crux-kiosk"
  [ -e /etc/crux-kiosk ] && l+=" /etc/crux-kiosk"
  [ -e /var/lib/crux-kiosk ] && l+=" /var/lib/crux-kiosk"
  [ -e /etc/systemd/system/crux-kiosk.service ] && l+=" unit"
  echo "${l# }"
}

check_install_plain() {
  # README: "sudo ./deploy/install.sh" from a checkout. A plain Debian has no Raspberry Pi archive.
  local t0 rc log=$STATE/install-readme.log
  t0=$(now)
  staff "cd $CHECKOUT && sudo ./deploy/install.sh" >"$log" 2>&1; rc=$?
  echo "$rc" >"$STATE/install-readme.rc"
  echo "    \$ sudo ./deploy/install.sh   (as $STAFF in $CHECKOUT): exit $rc after $(elapsed "$t0") s; last lines:"
  tail -n 4 "$log" | detail
  if [ "$rc" = 0 ]; then
    result PASS install-plain-debian "README's command installed on plain Debian (exit 0)"
    return
  fi
  local left; left=$(leftovers)
  local flag; flag=$(grep -o -m1 -E -- '--no-camera' "$log")
  if [ -z "$left" ] && [ -n "$flag" ]; then
    result PASS install-plain-debian "stopped before changing anything and named $flag (exit $rc)"
  else
    result FAIL install-plain-debian "exit $rc; left behind: ${left:-nothing}; way on named: ${flag:-none}"
  fi
}

check_install() {
  local rc log=$STATE/install.log t0 flag="" doc
  if [ "$(cat "$STATE/install-readme.rc" 2>/dev/null)" = 0 ]; then
    rc=0; cp "$STATE/install-readme.log" "$log"
    echo "    (README's command already installed it)"
  else
    # the flag install.sh documents for a Debian without the Raspberry Pi archive, at this commit
    # (--help is run only when the script mentions it, so an installer without it never installs here)
    doc=$(cd "$CHECKOUT" && sed -n '1,30p' deploy/install.sh && { grep -q -- '--help' deploy/install.sh && ./deploy/install.sh --help 2>&1; })
    echo "$doc" | grep -q -- '--no-camera' && flag=--no-camera
    if [ -z "$flag" ]; then
      result FAIL install "install.sh documents no way to install without python3-picamera2 (no --no-camera in --help or its header)"
      return
    fi
    t0=$(now)
    staff "cd $CHECKOUT && sudo ./deploy/install.sh $flag" >"$log" 2>&1; rc=$?
    echo "    \$ sudo ./deploy/install.sh $flag: exit $rc after $(elapsed "$t0") s; last lines:"
    tail -n 4 "$log" | detail
  fi
  local enabled; enabled=$(systemctl is-enabled "$U" 2>&1)
  if [ "$rc" = 0 ] && [ "$enabled" = enabled ] && [ -x /opt/crux-kiosk/venv/bin/kiosk ]; then
    result PASS install "exit 0${flag:+ with $flag}, unit $enabled, venv in /opt/crux-kiosk (log: $log)"
  else
    result FAIL install "exit $rc${flag:+ with $flag}, unit: $enabled; left: $(leftovers)"
  fi
}

check_setup_metrics() {
  # README, "Fleet metrics": node_exporter's textfile directory, the ACL, [metrics] textfile.
  # The package itself is not installed (its daemon would listen on this machine's port 9100: the
  # container shares the network); its directory is made as the package makes it.
  getent passwd prometheus >/dev/null || useradd --system --no-create-home --shell /usr/sbin/nologin prometheus
  install -d -o prometheus -g prometheus -m 0755 /var/lib/prometheus /var/lib/prometheus/node-exporter
  setfacl -m u:$APP_USER:rwx /var/lib/prometheus/node-exporter
  python3 - "$TEXTFILE" <<'EOF'
import re, sys
p = "/etc/crux-kiosk/kiosk.toml"
s = open(p).read()
line = f'textfile = "{sys.argv[1]}"'
if re.search(r"(?m)^#?\s*textfile\s*=.*$", s):
    s = re.sub(r"(?m)^#?\s*textfile\s*=.*$", line, s, count=1)
else:
    s += f"\n[metrics]\n{line}\n"
open(p, "w").write(s)
EOF
  echo "    metrics: /var/lib/prometheus/node-exporter made as prometheus-node-exporter makes it (package not installed:"
  echo "    its daemon would listen on this machine's port 9100); setfacl and [metrics] textfile as README says"
  /opt/crux-kiosk/venv/bin/kiosk config check /etc/crux-kiosk/kiosk.toml 2>&1 | detail
}

# --- systemd behaviour --------------------------------------------------------------------------
check_start_ready() {
  systemctl stop "$U" 2>/dev/null; systemctl reset-failed "$U" 2>/dev/null
  local cur rc t0 type ready_line running_line ready_t running_t
  systemd-analyze log-level debug   # systemd then logs each notification and state change
  cur=$(cursor); t0=$(now)
  systemctl start "$U"; rc=$?
  local took; took=$(elapsed "$t0")
  systemd-analyze log-level info
  type=$(prop Type)
  local j; j=$(journalctl -u "$U" --since "$cur" -o short-monotonic --no-pager)
  ready_line=$(echo "$j" | grep -m1 -E 'Got notification message.*READY=1')
  running_line=$(echo "$j" | grep -m1 -E 'Changed start -> running')
  ready_t=$(echo "$ready_line" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
  running_t=$(echo "$running_line" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
  local exec_us active_us fig
  exec_us=$(prop ExecMainStartTimestampMonotonic); active_us=$(prop ActiveEnterTimestampMonotonic)
  fig=$(awk -v a="$exec_us" -v b="$active_us" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
  echo "$ready_line" | detail; echo "$running_line" | detail
  if [ "$rc" = 0 ] && [ "$type" = notify ] && [ -n "$ready_t" ] && [ -n "$running_t" ] && le "$ready_t" "$running_t" \
     && le "$fig" 3; then
    result PASS start-ready "$fig s from exec to READY=1 (target <= 3 s); active (running) only after READY; systemctl start took $took s"
  else
    result FAIL start-ready "exit $rc, Type=$type, exec->active $fig s (target <= 3 s), READY seen: ${ready_t:-no}, start->running: ${running_t:-no}; $(systemctl is-active "$U")"
    journalctl -u "$U" --since "$cur" -o cat --no-pager | grep -v -E '^(crux-kiosk.service: )?(Got|Changed|Trying|Sent|Received|Failed to send|Child)' | tail -n 8 | detail
  fi
}

check_reload() {
  ensure_running
  local cur out; cur=$(cursor)
  systemctl reload "$U" || { result FAIL reload "systemctl reload failed: $(systemctl is-active "$U")"; return; }
  if out=$(journal_wait "$cur" 'content (version|edit|in )' 10); then
    result PASS reload "content re-checked ${out%% *} s after systemctl reload: \"${out#* }\""
  else
    result FAIL reload "no content line in the journal within 10 s of systemctl reload"
  fi
}

check_relearn() {
  ensure_running
  local cur out pid; cur=$(cursor); pid=$(prop MainPID)
  systemctl kill -s USR1 "$U" || { result FAIL relearn "systemctl kill -s USR1 failed: $(systemctl is-active "$U")"; return; }
  if out=$(journal_wait "$cur" 're-learn requested' 10) && sleep 1 && [ "$(systemctl is-active "$U")" = active ] \
     && [ "$(prop MainPID)" = "$pid" ]; then
    result PASS relearn "background re-learn logged ${out%% *} s after systemctl kill -s USR1, same process still running: \"${out#* }\""
  else
    result FAIL relearn "no re-learn line within 10 s of systemctl kill -s USR1, or the process did not survive it: $(systemctl is-active "$U"), pid $pid -> $(prop MainPID)"
  fi
}

check_kill_9() {
  ensure_running
  local pid rs out; pid=$(prop MainPID); rs=$(secs "$(usec "$(prop RestartUSec)")")
  kill -9 "$pid"
  if out=$(running_after "$pid" 60); then
    local t=${out%% *} lim; lim=$(awk -v r="$rs" 'BEGIN { print r + 3 }')
    if le "$t" "$lim"; then result PASS kill-9 "main PID $pid killed -> active (running) as PID ${out#* } after $t s (RestartSec=$rs s + start)"
    else result FAIL kill-9 "running again after $t s, more than RestartSec $rs s + 3 s"; fi
  else
    result FAIL kill-9 "not running again after kill -9 of $pid: $out"
  fi
}

check_watchdog() {
  systemctl reset-failed "$U" 2>/dev/null; ensure_running
  local pid wd rs lim cur out line
  pid=$(prop MainPID); wd=$(secs "$(usec "$(prop WatchdogUSec)")"); rs=$(secs "$(usec "$(prop RestartUSec)")")
  lim=$(awk -v w="$wd" -v r="$rs" 'BEGIN { print w + r + 2 }')
  cur=$(cursor)
  kill -STOP "$pid"
  if out=$(running_after "$pid" 90); then
    local t=${out%% *}
    line=$(journal_after "$cur" | grep -m1 -i 'watchdog timeout')
    echo "$line" | detail
    if [ -n "$line" ] && le "$t" "$lim"; then
      result PASS watchdog "loop stopped (SIGSTOP) -> watchdog kill -> running again after $t s (limit WatchdogSec $wd + RestartSec $rs + 2 = $lim s)"
    else
      result FAIL watchdog "running again after $t s (limit $lim s); watchdog line: ${line:-none}"
    fi
  else
    kill -CONT "$pid" 2>/dev/null
    result FAIL watchdog "not running again after SIGSTOP of $pid: $out"
  fi
}

check_start_limit() {
  # counted from a fresh start: systemctl start is start 1, each crash's restart one more
  systemctl stop "$U"; systemctl reset-failed "$U" 2>/dev/null
  local burst interval cur kills=0 t0 pid=0 out r line
  burst=$(prop StartLimitBurst); interval=$(secs "$(usec "$(prop StartLimitIntervalUSec)")")
  cur=$(cursor); t0=$(now)
  systemctl start "$U"
  while [ "$kills" -le $((burst + 2)) ]; do
    out=$(running_after "$pid" 60) || break
    pid=${out#* }
    kill -9 "$pid"; kills=$((kills + 1))
  done
  # systemd 252 keeps the crash's Result (signal); the journal line is what says it stopped at the limit
  sleep 0.5; r="$(prop ActiveState) (Result=$(prop Result))"
  line=$(journal_after "$cur" | grep -m1 -E 'Start request repeated too quickly')
  if [ "${r%% *}" = failed ] && [ "$kills" = "$burst" ] && [ -n "$line" ]; then
    result PASS start-limit "$kills crashes in $(elapsed "$t0") s -> $r, no more restarts (StartLimitBurst=$burst in ${interval} s): \"$line\""
  else
    result FAIL start-limit "$kills crashes, then $r (want failed after $burst), journal: ${line:-none}"
  fi
  systemctl reset-failed "$U"; systemctl start "$U"
}

check_no_display() {
  # A Pi whose TV is off at boot: SDL's kmsdrm with no DRM device. The kiosk must stay up (one line,
  # retry the display), never a crash loop. This undoes the rehearsal's display swap for 20 s.
  local d=/etc/systemd/system/crux-kiosk.service.d n0 out st
  printf '[Service]\n# rehearsal: no-display check, kmsdrm with no /dev/dri (removed after the check)\nEnvironment=SDL_VIDEODRIVER=kmsdrm\n' \
    >"$d/90-rehearse-no-display.conf"
  systemctl daemon-reload; systemctl reset-failed "$U"
  local cur; cur=$(cursor)
  systemctl restart --no-block "$U"; n0=$(prop NRestarts)
  sleep 20
  st="$(prop ActiveState)/$(prop SubState)"; local n1; n1=$(prop NRestarts)
  journal_after "$cur" | grep -v -E '^\s' | grep -i -m3 -E 'display|kmsdrm|video' | detail
  rm -f "$d/90-rehearse-no-display.conf"; systemctl daemon-reload
  if [ "$st" = active/running ] && [ "$n1" = "$n0" ]; then
    result PASS no-display "kmsdrm with no DRM device: still active (running) after 20 s, no restarts"
  else
    result FAIL no-display "kmsdrm with no DRM device: $st after 20 s, $((n1 - n0)) restarts (a crash loop)"
  fi
  systemctl reset-failed "$U"; systemctl restart "$U"; running_after 0 30 >/dev/null
}

# --- hardening ----------------------------------------------------------------------------------
probe() {   # probe PATH: can the kiosk's user write PATH inside the running service's sandbox?
  local pid; pid=$(prop MainPID)
  nsenter --target "$pid" --mount setpriv --reuid="$APP_USER" --regid="$APP_USER" --init-groups \
    sh -c 'f="$1/.rehearse-probe.$$"; : >"$f" && rm -f "$f"' - "$1" 2>/dev/null
}

check_hardening() {
  ensure_running; sleep 2
  local denials pid ok=1 what=""
  denials=$(journalctl -u "$U" -o cat --no-pager | grep -i -E 'permission denied|operation not permitted|read-only file system|seccomp|SIGSYS|status=31|EACCES|EPERM|EROFS|status=2[0-9][0-9]/' | sort | uniq -c | sort -rn | head -n 6)
  [ -n "$denials" ] && { ok=0; echo "$denials" | detail; }
  pid=$(prop MainPID)
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '/opt/crux-kiosk/venv/bin/kiosk' && what+=" venv:ok" || { what+=" venv:NO"; ok=0; }
  [ -s /var/lib/crux-kiosk/reps.db ] && what+=" rep-log:ok" || { what+=" rep-log:NO"; ok=0; }
  if [ -f "$TEXTFILE" ] && [ $(( $(date +%s) - $(stat -c %Y "$TEXTFILE") )) -le 120 ]; then what+=" metrics:ok"
  else what+=" metrics:NO"; ok=0; fi
  [ "$(showing_field source)" != "" ] && grep -q "$CONTENT" "$SHOWING" && what+=" content:ok" || { what+=" content:NO"; ok=0; }
  [ -f "$SHOWING" ] && what+=" runtime-dir:ok" || { what+=" runtime-dir:NO"; ok=0; }
  # what the sandbox lets the service write (as its user, in its own mount namespace)
  probe /var/lib/crux-kiosk && what+=" state-writable" || { what+=" state-NOT-writable"; ok=0; }
  probe /var/lib/prometheus/node-exporter && what+=" textfile-dir-writable" || { what+=" textfile-dir-NOT-writable"; ok=0; }
  probe /opt/crux-kiosk/venv && { what+=" venv-WRITABLE"; ok=0; } || what+=" venv-read-only"
  if [ "$ok" = 1 ]; then result PASS hardening "no denials in the journal;$what"
  else result FAIL hardening "$([ -n "$denials" ] && echo "denials in the journal (above); ")$what"; fi
  local dl=/sys/fs/cgroup/devices/system.slice/crux-kiosk.service/devices.list
  if [ -r "$dl" ] && ! grep -q '^a \*:\* rwm' "$dl"; then
    echo "NOTE DeviceAllow: the service's device list here: $(tr '\n' ';' <"$dl")"
  else
    echo "NOTE DeviceAllow/DevicePolicy cannot be checked here: the cgroup v1 devices controller is read-only in the container (no device list for the service)"
  fi
}

check_content_readonly() {
  ensure_running
  if probe "$CONTENT"; then
    result FAIL sandbox-content-ro "the kiosk's sandbox can write $CONTENT (ConfigurationDirectory= plus group crux-content; want ReadOnlyPaths=)"
  else
    result PASS sandbox-content-ro "$CONTENT is read-only to the running kiosk"
  fi
}

check_security() {
  local want=$1 out exp
  out=$(systemd-analyze security "$U" 2>&1)
  exp=$(echo "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  echo "$out" | grep 'Overall exposure' | detail
  if [ -n "$exp" ] && le "$exp" "$want"; then result PASS security "systemd-analyze security inside the container: exposure $exp (README: $want)"
  else result FAIL security "exposure ${exp:-not reported} (README says $want)"; fi
}

# --- files where README says --------------------------------------------------------------------
check_replog() {
  local f=/var/lib/crux-kiosk/reps.db
  if [ ! -f "$f" ]; then result FAIL rep-log "no $f (README: /var/lib/crux-kiosk/reps.db)"; return; fi
  local o; o=$(stat -c '%U:%G %a' "$f")
  if [ "${o%%:*}" = "$APP_USER" ]; then result PASS rep-log "$f $o (README: StateDirectory, the kiosk's user)"
  else result FAIL rep-log "$f is $o, not owned by $APP_USER"; fi
}

check_replog_staff() {
  local out rc
  out=$(staff "/opt/crux-kiosk/venv/bin/kiosk stats --db /var/lib/crux-kiosk/reps.db --days 7" 2>&1); rc=$?
  echo "$out" | head -n 3 | detail
  if [ "$rc" = 0 ]; then result PASS rep-log-staff "README's kiosk stats --db /var/lib/crux-kiosk/reps.db works as $STAFF (no sudo)"
  else result FAIL rep-log-staff "kiosk stats as $STAFF exit $rc: $(echo "$out" | tail -n 1); $(stat -c '%U:%G %a' /var/lib/crux-kiosk /var/lib/crux-kiosk/reps.db | tr '\n' ' ')"; fi
}

check_metrics() {
  local t0; t0=$(now)
  while [ ! -f "$TEXTFILE" ] && le "$(elapsed "$t0")" 70; do sleep 1; done
  if [ ! -f "$TEXTFILE" ]; then result FAIL metrics "no $TEXTFILE after 70 s with [metrics] textfile set as README says"; return; fi
  local o; o=$(stat -c '%U:%G %a' "$TEXTFILE")
  grep -E '^crux_kiosk_(camera_up|content_valid|rep_log_up) ' "$TEXTFILE" | detail
  if [ "${o%%:*}" = "$APP_USER" ] && grep -q '^crux_kiosk_content_valid' "$TEXTFILE"; then
    result PASS metrics "$TEXTFILE $o, $(grep -c '^crux_kiosk' "$TEXTFILE") samples"
  else
    result FAIL metrics "$TEXTFILE is $o; samples: $(grep -c '^crux_kiosk' "$TEXTFILE")"
  fi
}

# --- content as staff edit it (README "Content for staff": rsync into the directory, no sudo) --------
check_content_live() {
  ensure_running
  local v0 cur out new
  new="Crux Rehearsal $(date +%H%M%S)"
  v0=$(showing_field version)
  staff "rm -rf /var/tmp/content-new && rsync -a $CONTENT/ /var/tmp/content-new/ && cp -a $CONTENT /var/tmp/content-before" || true
  staff "sed -i 's/^name = .*/name = \"$new\"/' /var/tmp/content-new/content.toml && /opt/crux-kiosk/venv/bin/kiosk content check /var/tmp/content-new" 2>&1 | tail -n 1 | detail
  cur=$(cursor)
  staff "rsync -rltv -O --delete /var/tmp/content-new/ $CONTENT/" >"$STATE/rsync.log" 2>&1
  echo $? >"$STATE/rsync.rc"
  if out=$(journal_wait "$cur" 'content version .* -> ' 15); then
    local t=${out%% *} v1; sleep 0.3; v1=$(showing_field version)
    if le "$t" 5 && [ "$v1" != "$v0" ] && grep -q "$new" "$SHOWING"; then
      result PASS content-live "edit live after $t s (README: about 3 s): \"${out#* }\""
    else
      result FAIL content-live "live after $t s (want <= 5), showing $v0 -> $v1"
    fi
  else
    result FAIL content-live "no 'content version' line within 15 s of the edit; showing $(showing_field version)"
  fi
  showing_field version >"$STATE/good-version"
}

check_content_rsync() {   # README's step 4 as staff: rsync -rltv -O --delete ./content/ pi@kiosk:/etc/crux-kiosk/content/
  local rc; rc=$(cat "$STATE/rsync.rc" 2>/dev/null)
  grep -v -E '^(sending|sent|total|\./|content\.toml|$)' "$STATE/rsync.log" | head -n 3 | detail
  if [ "$rc" = 0 ]; then result PASS content-rsync "README's rsync -rltv -O --delete into $CONTENT as $STAFF exits 0"
  else result FAIL content-rsync "README's rsync -rltv -O --delete into $CONTENT as $STAFF exits ${rc:-?}: $(grep -m1 -E 'rsync(: \[| error)' "$STATE/rsync.log")"; fi
}

check_content_bad() {
  ensure_running
  local good cur out; good=$(cat "$STATE/good-version" 2>/dev/null)
  # the classic broken edit: a string left open (a file cut off mid-scp)
  staff "sed -i 's/^name = .*/name = \"Crux Rehearsal/' /var/tmp/content-new/content.toml"
  cur=$(cursor)
  staff "rsync -a --delete /var/tmp/content-new/ $CONTENT/" >/dev/null 2>&1
  if out=$(journal_wait "$cur" 'rejected' 15); then
    sleep 0.3
    local v valid; v=$(showing_field version); valid=$(showing_field valid)
    journal_after "$cur" | grep -A1 -m1 rejected | tail -n 1 | detail
    if [ -n "$good" ] && [ "$v" = "$good" ] && [ "$valid" = False ]; then
      result PASS content-bad "rejected after ${out%% *} s, still showing $v: \"${out#* }\""
    else
      result FAIL content-bad "rejected, but showing $v (last good $good), valid=$valid"
    fi
  else
    result FAIL content-bad "no 'rejected' line within 15 s; showing $(showing_field version) (last good ${good:-unknown})"
  fi
}

check_content_reboot() {   # after the container rebooted with the bad edit still on disk
  local good out line; good=$(cat "$STATE/good-version" 2>/dev/null)
  out=$(running_after 0 90) || { result FAIL content-reboot "kiosk not running after the reboot: $out"; return; }
  sleep 1
  line=$(journalctl -b -u "$U" -o cat --no-pager | grep -m1 -E 'showing (the last good|the built-in)')
  echo "$line" | detail
  local v; v=$(showing_field version)
  if [ -n "$good" ] && [ "$v" = "$good" ] && echo "$line" | grep -q 'last good'; then
    result PASS content-reboot "rebooted with the bad edit on disk: showing last good $v: \"$line\""
  else
    result FAIL content-reboot "after reboot showing ${v:-nothing} (last good ${good:-unknown}): ${line:-no journal line}"
  fi
  # put the good content back (README step 5, roll back)
  staff "rsync -a --delete /var/tmp/content-before/ $CONTENT/; rm -rf /var/tmp/content-new /var/tmp/content-before" >/dev/null 2>&1
}

# --- uninstall ----------------------------------------------------------------------------------
check_uninstall() {
  local rc left=""; rm -rf /etc/systemd/system/crux-kiosk.service.d   # the rehearsal's own drop-in
  staff "cd $CHECKOUT && sudo ./deploy/uninstall.sh" 2>&1 | detail; rc=${PIPESTATUS[0]}
  [ -e /etc/systemd/system/crux-kiosk.service ] && left+=" unit-file"
  [ "$(systemctl show -p LoadState --value "$U")" != not-found ] && left+=" unit-loaded"
  [ -e /etc/systemd/system/multi-user.target.wants/crux-kiosk.service ] && left+=" enable-link"
  [ -e /opt/crux-kiosk ] && left+=" /opt/crux-kiosk"
  pgrep -u "$APP_USER" >/dev/null 2>&1 && left+=" processes"
  if [ "$rc" = 0 ] && [ -z "$left" ] && [ -d /etc/crux-kiosk ]; then
    result PASS uninstall "no unit, no venv, no process; /etc/crux-kiosk kept as README says"
  else
    result FAIL uninstall "exit $rc; left:${left:- nothing}$([ -d /etc/crux-kiosk ] || echo '; /etc/crux-kiosk removed without --purge')"
  fi
}

check_purge() {
  local rc left="" uid gid; uid=$(id -u "$APP_USER" 2>/dev/null); gid=$(getent group crux-content | cut -d: -f3)
  staff "cd $CHECKOUT && sudo ./deploy/uninstall.sh --purge" 2>&1 | detail; rc=${PIPESTATUS[0]}
  id "$APP_USER" >/dev/null 2>&1 && left+=" user:$APP_USER"
  getent group "$APP_USER" >/dev/null && left+=" group:$APP_USER"
  getent group crux-content >/dev/null && left+=" group:crux-content"
  for p in /etc/crux-kiosk /var/lib/crux-kiosk /run/crux-kiosk /opt/crux-kiosk /etc/systemd/system/crux-kiosk.service "$TEXTFILE"; do
    [ -e "$p" ] && left+=" $p"
  done
  [ -n "$uid" ] && getfacl -n /var/lib/prometheus/node-exporter 2>/dev/null | grep -q "^user:$uid:" && left+=" acl:user:$uid"
  if [ -n "$uid" ]; then
    local owned; owned=$(find / -xdev \( -uid "$uid" ${gid:+-o -gid "$gid"} \) -not -path '/proc/*' 2>/dev/null | head -n 5 | tr '\n' ' ')
    [ -n "$owned" ] && left+=" files of uid $uid / gid ${gid:-?}: [ $owned]"
  fi
  if [ "$rc" = 0 ] && [ -z "$left" ]; then result PASS purge "no user, group, unit, venv, content, state, metrics textfile or ACL left"
  else result FAIL purge "exit $rc; left:${left:- nothing}"; fi
}

"check_${1//-/_}" "${@:2}"

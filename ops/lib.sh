# Shared by the ops scripts: installs what a fresh Debian 12 machine lacks. Sourced, not run.

# The Debian 12 packages Pardner builds and tests with. libboost1.81-dev, not libboost-dev
# (1.74, no Boost.JSON), and not libboost1.81-all-dev (hundreds of MB we do not use).
pardner_packages="build-essential cmake pkg-config ccache libboost1.81-dev libssl-dev \
libsodium-dev libsqlite3-dev libgtest-dev libcli11-dev libgoogle-perftools-dev sqlite3 openssl \
curl jq python3"

# Installs the missing packages with apt-get, as root or through sudo.
ensure_packages() {
  missing=""
  for package in $pardner_packages "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $package"
    fi
  done
  [ -z "$missing" ] && return 0
  echo "ops: installing$missing" >&2
  if [ "$(id -u)" -eq 0 ]; then
    sudo_cmd=""
  elif command -v sudo >/dev/null 2>&1; then
    sudo_cmd="sudo"
  else
    echo "ops: need root or sudo to install:$missing" >&2
    return 1
  fi
  $sudo_cmd apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $missing
}

# Configures (once) and builds into build/, or into $pardner_build_dir (a name under the source
# root, e.g. build-asan) if set. Extra arguments go to cmake at configure time.
build_pardner() {
  root="$(cd "$(dirname "$0")/.." && pwd)"
  jobs="$(nproc 2>/dev/null || echo 2)"
  cmake -S "$root" -B "$root/${pardner_build_dir:-build}" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$root/${pardner_build_dir:-build}" -j "$jobs"
}

# Makes a self-signed TLS certificate for 127.0.0.1 and localhost in DIR (DIR/tls.crt, and
# DIR/tls.key mode 0600), unless both are there. EC P-256; umask keeps the key 0600 from the
# moment it exists.
ensure_tls_certificate() {
  dir="$1"
  if [ -f "$dir/tls.key" ] && [ -f "$dir/tls.crt" ]; then
    return 0
  fi
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 365 -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null)
  chmod 600 "$dir/tls.key"
  chmod 644 "$dir/tls.crt"
  echo "ops: made a self-signed certificate, $dir/tls.crt" >&2
}

# Sourced before the README's blocks by test/readme/run-readme.mjs (fd 3 talks to the runner).
set -euo pipefail

# The README's curl, failing on a status outside 2xx and on a bulk answer that lists failed items.
curl() {
  local out code
  out=$(command curl -sS -w '\n%{http_code}' "$@") || {
    echo "readme-test: curl could not complete the request" >&2
    return 1
  }
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  printf '%s\n' "$out"
  case "$code" in
    2??) ;;
    *) echo "readme-test: HTTP $code" >&2; return 1 ;;
  esac
  case "$out" in
    *'"failed":[{'*) echo "readme-test: the answer lists failed items" >&2; return 1 ;;
  esac
}

# Each variable a block assigned with $(...) holds something.
readme_filled() {
  local name
  for name in "$@"; do
    case "${!name-}" in
      '' | null | undefined) echo "readme-test: \$$name is '${!name-}'" >&2; return 1 ;;
    esac
  done
}

# A readme-test:herald block: the runner restarts Herald and answers ok.
readme_herald() {
  local reply
  echo "herald $1" >&3
  read -r -u 3 reply
  [ "$reply" = ok ] || {
    echo "readme-test: Herald did not start again" >&2
    return 1
  }
}

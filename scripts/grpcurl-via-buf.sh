# Source this to get a `grpcurl` for the plaintext forms used in the README, on top of `buf curl`
# (npm, pinned in package.json) when grpcurl itself is not installed:
#   grpcurl -plaintext [-H header]... [-d json] ADDRESS list|describe SYMBOL|SERVICE/METHOD
if ! command -v grpcurl >/dev/null 2>&1 || [ -n "${POS_FORCE_BUF_CURL:-}" ]; then
  grpcurl() {
    local buf="${POS_BUF:-$(git rev-parse --show-toplevel 2>/dev/null || pwd)/node_modules/.bin/buf}"
    local headers=() data="" args=()
    while [ $# -gt 0 ]; do
      case "$1" in
        -plaintext) shift ;;
        -H) headers+=(-H "$2"); shift 2 ;;
        -d) data="$2"; shift 2 ;;
        *) args+=("$1"); shift ;;
      esac
    done
    local address="${args[0]}" verb="${args[1]:-}"
    case "$verb" in
      list) "$buf" curl --protocol grpc --http2-prior-knowledge --list-services "http://$address" ;;
      describe) "$buf" curl --protocol grpc --http2-prior-knowledge --list-methods "http://$address" | grep -F "${args[2]%.*}" ;;
      *) "$buf" curl --protocol grpc --http2-prior-knowledge "${headers[@]}" ${data:+-d "$data"} "http://$address/$verb" ;;
    esac
  }
fi

# Sourced by the launchers (./paradox, ./bench.sh): the process settings of build/process-env.sh, then
# `launch PROJECT_DIR ASSEMBLY_NAME ARGS...` builds the project in Release when any source changed since its last
# build and runs it with ARGS, so every entry point starts with the same process-wide numeric configuration.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/build/process-env.sh"

launch() {
  local project="$root/$1" name="$2"
  shift 2
  local dll="$project/bin/Release/net10.0/$name.dll" stamp="$project/bin/Release/.paradox-build-stamp"
  if [ ! -f "$dll" ] || [ ! -f "$stamp" ] || [ -n "$(find "$root/src" "$project" "$root/Directory.Build.props" \
      "$root/Directory.Build.targets" "$root/build" -path '*/bin' -prune -o -path '*/obj' -prune -o \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' \) -newer "$stamp" -print -quit)" ]; then
    echo "$(basename "$0"): building $name (Release)..." >&2
    local log
    if ! log=$(dotnet build "$project/$name.csproj" -c Release -nologo -v q 2>&1); then
      echo "$log" | grep -E "error|Error" >&2 || echo "$log" >&2
      echo "$(basename "$0"): build of $name failed" >&2
      exit 1
    fi
    touch "$stamp"
  fi
  exec dotnet "$dll" "$@"
}

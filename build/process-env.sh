# The process settings that must be in the environment before a .NET process starts; sourced by ./paradox, ./bench.sh
# and ./test.sh (TorchRuntime sets the rest in-process). A value already in the environment wins.
#
# libgomp's default spin-waiting makes small ops 40-60x slower on a busy 2-core machine; keeping freed memory instead of
# returning it to the kernel roughly halves back-substitution time.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# jemalloc (libjemalloc2, installed by setup.sh) instead of glibc's malloc: under the engines' large tensors of varying
# size glibc's heap grows step after step even with nothing leaked (CONV CROWN + RGS: +70 MiB per step, killed at 17.7 GiB);
# jemalloc's size classes keep it lower. Never returning memory (decay -1) keeps glibc's speed: the kernel's page zeroing
# made steps 6-10x slower when jemalloc gave freed memory back; the step collector returns it only when resident memory
# has doubled (StepCollector). Without the library, or with PARADOX_MALLOC=glibc (to compare), the glibc settings below apply.
# PARADOX_JEMALLOC is where Debian's libjemalloc2 puts the library (setup.sh installs it there, the tests check it).
export PARADOX_JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if [ "${PARADOX_MALLOC:-jemalloc}" != glibc ] && [ -f "$PARADOX_JEMALLOC" ]; then
  [[ ":${LD_PRELOAD:-}:" == *libjemalloc* ]] || export LD_PRELOAD="$PARADOX_JEMALLOC${LD_PRELOAD:+:$LD_PRELOAD}"
  export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
fi
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736}"
# A 128 MiB gen0 budget (the default here is about 2 MiB): about 60x fewer garbage collections. TorchSharp 0.107 does
# not keep a wrapper alive across its native call, so a collection that another thread triggers meanwhile can finalize
# a temporary that libtorch is still reading (the implicit Scalar of `a + b`; a tensor no dispose scope holds). Dispose
# scopes hold the tensors; for the Scalars only fewer collections help (see README, Numerical soundness).
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x8000000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Marks a process started through this file (the bench warns without it: its timings would not be comparable).
export PARADOX_PROCESS_ENV=1

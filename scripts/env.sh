# Sourced by the scripts: the toolchain Lyo builds with, and the build tags that
# the system allows (vips only where libvips is installed).
export GOTOOLCHAIN=go1.27.3
LYO_TAGS=""
if pkg-config --exists vips 2>/dev/null; then LYO_TAGS="vips"; fi
export LYO_TAGS

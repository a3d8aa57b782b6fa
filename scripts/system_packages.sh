#!/usr/bin/env bash
# Installs the system packages the test suite needs (Chromium for browser tests, poppler-utils
# for PDF checks) with apt-get where that is possible (Debian/Ubuntu as root). Elsewhere it says
# what is missing; the tests that need it are then skipped, loudly (and fail under CI=true).
set -u
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}" \
    && exit 0
  echo "warning: apt-get could not install ${missing[*]}" >&2
fi
echo "##########################################################################" >&2
echo "warning: missing system packages: ${missing[*]}" >&2
echo "The tests that need them will be SKIPPED. Install them, e.g.:" >&2
echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
echo "##########################################################################" >&2
if [ "${CI:-}" = "true" ]; then
  echo "error: under CI no test may be skipped for a missing system package" >&2
  exit 1
fi
exit 0

#!/usr/bin/env bash
# Debian packages the Python dependencies need at run time: Pango for WeasyPrint (packing
# slips, shipping labels and pick lists as PDF) and the Noto CJK fonts (Chinese in PDFs and
# in the browser tests' screenshots), and a Java runtime for Apache Spark (the analytics
# engine ZHANGGUI_ANALYTICS_ENGINE=spark and its tests: pyspark 4 needs Java 17 or later,
# Debian 12's default-jre-headless). Installed from Debian's archive when missing.
set -euo pipefail
missing=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing+=(fonts-noto-cjk fontconfig)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install these Debian packages (as root): ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Signs in to the demo lab as admin with curl; prints the sign-in cookie's value.
set -euo pipefail
cd /tmp/scale-demo
PW=$(sed -n 2p lab/admin-password.txt); rm -f jar
TOKEN=$(curl -s -c jar -b jar http://127.0.0.1:5097/login | grep -o 'name="__RequestVerificationToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -s -o /dev/null -c jar -b jar --data-urlencode "_handler=login" --data-urlencode "__RequestVerificationToken=$TOKEN" \
  --data-urlencode "Input.Name=admin" --data-urlencode "Input.Password=$PW" http://127.0.0.1:5097/login
grep sbirlab.auth jar | awk '{print $7}'

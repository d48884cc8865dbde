#!/bin/bash
# Prints, with the time, each new highest step of run 1 in the demo database (the step-to-page latency figure of the README).
last=-2; end=$((SECONDS+90))
while [ $SECONDS -lt $end ]; do
  v=$(runuser -u postgres -- psql -At -d scale_demo -c 'select coalesce(max("Step"),-1) from "MetricPoints" where "RunId"=1' 2>/dev/null)
  if [ "$v" != "$last" ]; then echo "$(date +%T.%3N) $v"; last=$v; fi
  sleep 0.03
done

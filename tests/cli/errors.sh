# errors.sh - the exact message and exit code for broken input and misuse.
. tests/lib.sh
Q=scenarios/quickstart.json
cd_tmp_copy() { sed "$1" "$Q" > "$TMP/$2"; }

printf '{\n  "name": "x",\n  "seed": 1\n  "duration_s": 10\n}\n' > "$TMP/syntax.json"
expect syntax-error 1 "ratesim: $TMP/syntax.json:4:3: invalid JSON: expected ',' or '}'" -- validate "$TMP/syntax.json"

cd_tmp_copy 's/"duration_s": 900/"duration_s": "ten"/' type.json
expect wrong-type 1 "ratesim: $TMP/type.json: .duration_s: must be a number (got string \"ten\")" -- validate "$TMP/type.json"

cd_tmp_copy 's/"arrival"/"arival"/' unknown.json
expect unknown-key 1 "ratesim: $TMP/unknown.json: .clients[0].arival: unknown key; did you mean \"arrival\"?" -- validate "$TMP/unknown.json"

cd_tmp_copy 's/"seed": 42,/"seed": 42, "seed": 43,/' dup.json
expect duplicate-key 1 "ratesim: $TMP/dup.json: .seed: duplicate key" -- validate "$TMP/dup.json"

cd_tmp_copy 's/"tpm": 150000/"tpm": 1500000/' pool.json
expect quota-pool-exceeded 1 "ratesim: $TMP/pool.json: .deployments: quota pool (subscription \"default\", region \"eastus\", model \"gpt-4o\", kind standard) holds 150000 TPM but its deployments take 1500000 (eastus-gpt-4o 1500000)" -- validate "$TMP/pool.json"

expect missing-file 1 "ratesim: $TMP/none.json: cannot open: No such file or directory" -- run "$TMP/none.json"

expect bad-value-via-set 1 "ratesim: $Q: .clients[0].arrival.schedule[0].rate_rps: must be >= 0 (got -3)" -- validate "$Q" --set 'clients[0].arrival.schedule[0].rate_rps=-3'
expect bad-rpm-windows 1 "ratesim: $Q: .deployments[0].rpm_windows_s[1]: must be longer than the window before it (10 s): list the windows shortest first, each once (got 1)" -- validate "$Q" --set 'deployments[0].rpm_windows_s=[10,1]'
expect bad-oversize-retry-after 1 "ratesim: $Q: .deployments[0].oversize_retry_after_s: must be >= 0 (got -1)" -- validate "$Q" --set 'deployments[0].oversize_retry_after_s=-1'
expect bad-workload 1 "ratesim: $Q: .clients[0].arrival: not used with \"workload\", which gives the arrivals and the sizes; give one or the other" -- validate "$Q" --set 'clients[0].workload={"rpm":60,"prompt_tokens":100,"generated_tokens":10}'

# the application tier (compute.h): a bad value and an unknown client
C=scenarios/compare-compute-1-consumption.json
expect compute-bad-value 1 "ratesim: $C: .compute[0].max_instances: must be >= 1 (got 0)" -- validate "$C" --set 'compute[0].max_instances=0'
expect compute-unknown-client 1 "ratesim: $C: .compute[0].clients[0]: no client named \"web\" (clients: chat)" -- validate "$C" --set 'compute[0].clients=["web"]'

expect bad-set-path 2 "ratesim: --set clients[3].x=1: .clients[3]: no such element (.clients has 1 element)
try 'ratesim --help'" -- validate "$Q" --set 'clients[3].x=1'

expect bad-option 2 "ratesim: unknown option --bogus
try 'ratesim --help'" -- run --bogus "$Q"

expect no-command 2 "ratesim: a command is required (run, validate, plot, compare, sweep, size or collect)
try 'ratesim --help'" --

expect unknown-command 2 "ratesim: unknown command walk (expected run, validate, plot, compare, sweep, size or collect)
try 'ratesim --help'" -- walk "$Q"

expect bad-seed 2 "ratesim: --seed needs a whole number >= 0 (got -1)
try 'ratesim --help'" -- run "$Q" --seed -1

expect run-needs-file 2 "ratesim: run needs a file
try 'ratesim --help'" -- run

# Alert rules (issue 9): each key's bad value names the file and the JSON path.
A=scenarios/alerts-lead-time.json
expect alert-metric 1 "ratesim: $A: .alerts[0].metric: must be one of: tokens, requests, utilization (got string \"tpm\")" -- validate "$A" --set 'alerts[0].metric="tpm"'
expect alert-threshold 1 "ratesim: $A: .alerts[0].thresholds[1]: must be at most 10 (got 90)" -- validate "$A" --set 'alerts[0].thresholds[1]=90'
expect alert-thresholds-type 1 "ratesim: $A: .alerts[1].thresholds: must be an array of numbers (got number 0.8)" -- validate "$A" --set 'alerts[1].thresholds=0.8'
expect alert-aggregation 1 "ratesim: $A: .alerts[1].aggregation: must be one of: average, maximum (got string \"max\")" -- validate "$A" --set 'alerts[1].aggregation="max"'
expect alert-grain 1 "ratesim: $A: .alerts[0].grain_s: must be a whole multiple of bucket_s (10) (got 25)" -- validate "$A" --set 'alerts[0].grain_s=25'
expect alert-window 1 "ratesim: $A: .alerts[0].window_s: must be a whole multiple of grain_s (60) (got 330)" -- validate "$A" --set 'alerts[0].window_s=330'
expect alert-frequency 1 "ratesim: $A: .alerts[0].frequency_s: must be <= window_s (300) (got 600)" -- validate "$A" --set 'alerts[0].frequency_s=600'
expect alert-resolve 1 "ratesim: $A: .alerts[2].resolve_after: must be >= 1 (got 0)" -- validate "$A" --set 'alerts[2].resolve_after=0'
expect alert-deployment 1 "ratesim: $A: .alerts[2].deployment: no deployment named \"westus\" (deployments: eastus-gpt-4o)" -- validate "$A" --set 'alerts[2].deployment="westus"'
expect alert-metric-type 1 "ratesim: $A: .alerts[2].metric: must be a string (got number 3)" -- validate "$A" --set 'alerts[2].metric=3'
expect alert-no-ptu 1 "ratesim: $A: .alerts[2].deployment: metric \"utilization\" needs a provisioned deployment (a PTU meter), and the scenario has none" -- validate "$A" --set 'alerts[2].metric="utilization"'

# validate reads the trace files a scenario names.
sed 's|traces/AzureLLMInferenceTrace_conv.csv|/nonexistent/trace.csv|' scenarios/trace-azure-conv.json > "$TMP/trace.json"
expect missing-trace 1 "ratesim: /nonexistent/trace.csv: cannot open: No such file or directory" -- validate "$TMP/trace.json"

# A failed run leaves no output presented as complete.
expect unwritable-output 1 "ratesim: /proc/ratesim-test: cannot create folder: No such file or directory" -- run "$Q" -o /proc/ratesim-test --quiet

# A router's consumer_limits (issue 9 part 3): every key's bad value names its path.
N=scenarios/noisy-neighbour.json
L=".routers[0].consumer_limits"
gw() { # gw NAME MESSAGE VALUE: --set routers[0].consumer_limits=VALUE is refused
	expect "$1" 1 "ratesim: $N: $2" -- validate "$N" --set "routers[0].consumer_limits=$3"
}
gw gateway-not-array "$L: must be an array (got an object)" '{}'
gw gateway-empty "$L: needs at least one limit" '[]'
gw gateway-unknown-key "$L[0].token_per_minute: unknown key; did you mean \"tokens_per_minute\"?" '[{"token_per_minute":5}]'
gw gateway-bad-key "$L[0].key: must be one of: client, group (got string \"team\")" '[{"key":"team","tokens_per_minute":1}]'
gw gateway-groups-missing "$L[0].groups: required key is missing" '[{"key":"group","tokens_per_minute":1}]'
gw gateway-groups-unused "$L[0].groups: not used when key is \"client\"; only a limit with key \"group\" has groups" '[{"groups":{"a":["team-b-chat"]},"tokens_per_minute":1}]'
gw gateway-groups-type "$L[0].groups: must be an object (got an array)" '[{"key":"group","groups":["x"],"tokens_per_minute":1}]'
gw gateway-groups-empty "$L[0].groups: needs at least one group" '[{"key":"group","groups":{},"tokens_per_minute":1}]'
gw gateway-group-type "$L[0].groups.a: must be an array of client names (got string \"team-b-chat\")" '[{"key":"group","groups":{"a":"team-b-chat"},"tokens_per_minute":1}]'
gw gateway-group-empty "$L[0].groups.a: needs at least one client" '[{"key":"group","groups":{"a":[]},"tokens_per_minute":1}]'
gw gateway-member-type "$L[0].groups.a[0]: must be a client's name (got number 3)" '[{"key":"group","groups":{"a":[3]},"tokens_per_minute":1}]'
gw gateway-member-unknown "$L[0].groups.a[0]: no client named \"nobody\" (clients: team-a-batch-1, team-a-batch-2, team-b-chat)" '[{"key":"group","groups":{"a":["nobody"]},"tokens_per_minute":1}]'
gw gateway-member-twice "$L[0].groups.b[0]: client \"team-b-chat\" is already in group \"a\"" '[{"key":"group","groups":{"a":["team-b-chat"],"b":["team-b-chat"]},"tokens_per_minute":1}]'
gw gateway-tpm-negative "$L[0].tokens_per_minute: must be >= 0 (got -1)" '[{"tokens_per_minute":-1}]'
gw gateway-tpm-absurd "$L[0].tokens_per_minute: must be at most 1000000000000 (got 10000000000000)" '[{"tokens_per_minute":1e13}]'
gw gateway-rpm-type "$L[0].requests_per_minute: must be a number (got string \"ten\")" '[{"requests_per_minute":"ten"}]'
gw gateway-rpm-absurd "$L[0].requests_per_minute: must be at most 1000000000000 (got 2000000000000)" '[{"requests_per_minute":2e12}]'
gw gateway-estimate-type "$L[0].estimate_prompt_tokens: must be true or false (got number 1)" '[{"tokens_per_minute":5,"estimate_prompt_tokens":1}]'
gw gateway-limits-nothing "$L[0]: limits nothing: set tokens_per_minute or requests_per_minute (> 0)" '[{}]'
many=$(awk 'BEGIN { printf "["; for (i = 0; i < 65; i++) printf "%s{\"requests_per_minute\":1}", (i ? "," : ""); printf "]" }')
gw gateway-too-many "$L: at most 64 limits (got 65)" "$many"
groups=$(awk 'BEGIN { printf "[{\"key\":\"group\",\"requests_per_minute\":1,\"groups\":{"; for (i = 0; i < 1025; i++) printf "%s\"g%d\":[\"team-b-chat\"]", (i ? "," : ""), i; printf "}}]" }')
gw gateway-too-many-groups "$L[0].groups: at most 1024 groups (got 1025)" "$groups"

finish

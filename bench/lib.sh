# Helpers the benchmark scripts share; sourced, not run.

# free_port picks a loopback port nothing answers on. A race with another process
# is possible but harmless: the server then fails to start and the script says so.
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "no free loopback port found" >&2
	return 1
}

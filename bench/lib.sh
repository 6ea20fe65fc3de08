# lib.sh - shell functions the bench scripts share (sourced, not run).

# median: the median of the numbers on stdin, one per line ("-" if none)
median() {
	sort -n | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) print "-"
			else if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

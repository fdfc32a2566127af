// Package bench measures a process devnet under load: for each cluster size it starts the beacon chain
// simulator and N real `stinger run` processes (keys from a trusted dealer, no execution chain), lets a
// few warm-up slots pass, then measures a window of slots and reports
//
//   - per process (every node and the simulator): CPU seconds (utime+stime from /proc/PID/stat) over the
//     window and as a percentage of one core, resident memory now (VmRSS), its peak during the window and
//     over the process's life (VmHWM);
//   - per node and duty type: duties succeeded, failed and late (GET /v1/duties outcomes) and the latency
//     from slot start to broadcast, p50, p99 and max;
//   - per duty type, the simulator's score over the window (duties expected, correct within their slot,
//     late, incorrect, invalid), and the share of attestations on time.
//
// Run drives the measurement; Format prints the tables; the Result values marshal to JSON. The /proc
// parsing and the percentile math are pure functions (ParseStat, ParseStatus, Percentile, Summarize).
// Linux only: other systems have no /proc, and the process figures are then missing.
package bench

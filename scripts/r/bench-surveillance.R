# Times R `surveillance` on the series of `npm run bench:surveillance` (bench/surveillance.bench.ts):
# earsC (C1, C2, C3), cusum, glrnb (Poisson) and farringtonFlexible (daily and weekly, b = 3), with the
# same settings and ranges as the TypeScript run. Used only to compare speed and alarm counts.
# Usage: Rscript scripts/r/bench-surveillance.R daily.csv weekly.csv dailyStart weeklyStart out.csv [nSlow]
#   (*.csv: column t, then one column per series; starts are 1-based first evaluated periods; the slow
#   methods — glrnb and farringtonFlexible, seconds per series in R — run on the first nSlow series, default 8)
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
daily <- as.matrix(read.csv(args[1])[, -1, drop = FALSE])
weekly <- as.matrix(read.csv(args[2])[, -1, drop = FALSE])
dStart <- as.integer(args[3])
wStart <- as.integer(args[4])
out <- args[5]
nSlow <- if (length(args) >= 6) as.integer(args[6]) else 8L
slow <- function(mat) mat[, seq_len(min(nSlow, ncol(mat))), drop = FALSE]

run <- function(name, mat, freq, start, fn) {
  rng <- start:nrow(mat)
  alarms <- integer(ncol(mat))
  tm <- system.time(for (i in seq_len(ncol(mat))) {
    s <- sts(observed = mat[, i], frequency = freq)
    res <- suppressWarnings(fn(s, rng))
    alarms[i] <- sum(alarms(res), na.rm = TRUE)
  })
  elapsed <- tm[["user.self"]] + tm[["sys.self"]]  # CPU time, robust to other jobs on the machine
  cat(sprintf("R %-26s %3d series  %8.2f s\n", name, ncol(mat), elapsed))
  paste(c(name, format(elapsed, digits = 6), alarms), collapse = ",")
}

lines <- c(
  "method,seconds,alarms...",
  run("earsC1", daily, 365, dStart, function(s, r) earsC(s, control = list(range = r, method = "C1"))),
  run("earsC2", daily, 365, dStart, function(s, r) earsC(s, control = list(range = r, method = "C2"))),
  run("earsC3", daily, 365, dStart, function(s, r) earsC(s, control = list(range = r, method = "C3"))),
  run("cusum", daily, 365, dStart, function(s, r) cusum(s, control = list(range = r))),
  run("glrnb", slow(daily), 365, dStart, function(s, r) glrnb(s, control = list(range = r, c.ARL = 5, alpha = 0))),
  run("farringtonFlexibleWeekly", slow(weekly), 52, wStart, function(s, r) farringtonFlexible(s, control = list(range = r, b = 3))),
  run("farringtonFlexibleDaily", slow(daily), 365, dStart, function(s, r) farringtonFlexible(s, control = list(range = r, b = 3)))
)
writeLines(lines, out)

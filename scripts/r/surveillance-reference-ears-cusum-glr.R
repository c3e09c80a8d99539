#!/usr/bin/env Rscript
# Reference fixtures for the EARS, CUSUM and GLR detectors (src/publichealth/detectors).
# Runs R `surveillance` (>= 1.20) on a few series and parameter sets and writes what it returns
# (upperbound, alarm) as JSON into test/fixtures/surveillance/, so the TypeScript tests can check
# agreement without R. R is only run here, to compare; none of its code is used by Healthy Brain.
#
# Usage (from the repository root):  Rscript scripts/r/surveillance-reference-ears-cusum-glr.R
# Needs: apt-get install r-cran-surveillance  (brings jsonlite)
suppressPackageStartupMessages({ library(surveillance); library(jsonlite) })
stopifnot(packageVersion("surveillance") >= "1.20")
out_dir <- file.path("test", "fixtures", "surveillance")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

num <- function(v) { v <- as.numeric(v); v[!is.finite(v)] <- NA; signif(v, 12) }

# One run of a method: `control` as given to R (range 1-based); the result aligned with `range`.
run <- function(id, method, observed, freq, control) {
  s <- sts(observed = observed, frequency = freq)
  res <- suppressWarnings(suppressMessages(switch(method,
    earsC = earsC(s, control = control),
    cusum = cusum(s, control = control),
    glrnb = glrnb(s, control = control))))
  n <- length(observed); k <- nrow(observed(res))
  list(id = id, method = method,
       control = control[setdiff(names(control), c("range", "m", "mu0"))],
       m = if (is.numeric(control$m)) num(control$m) else NULL,
       mu0 = if (is.numeric(control$mu0)) num(control$mu0) else if (is.list(control$mu0)) control$mu0 else NULL,
       rangeStart = n - k + 1, rangeEnd = n,
       upperbound = num(upperbound(res)), alarm = as.integer(alarms(res)))
}

cases_for <- function(observed, freq) {
  n <- length(observed)
  start <- min(freq, floor(n / 2)) + 1           # detectors' default range: after the first year
  r <- start:n
  half <- (floor(n / 2) + 1):n
  cases <- list()
  add <- function(x) cases[[length(cases) + 1]] <<- x
  for (m in c("C1", "C2", "C3")) {
    add(run(paste0("ears-", m), "earsC", observed, freq, list(method = m)))
    add(run(paste0("ears-", m, "-alpha05"), "earsC", observed, freq, list(method = m, alpha = 0.05)))
    add(run(paste0("ears-", m, "-minSigma1"), "earsC", observed, freq, list(method = m, minSigma = 1)))
    add(run(paste0("ears-", m, "-baseline14-minSigma05"), "earsC", observed, freq, list(method = m, baseline = 14, minSigma = 0.5)))
    add(run(paste0("ears-", m, "-range-half"), "earsC", observed, freq, list(method = m, range = half)))
  }
  for (tr in c("standard", "rossi", "anscombe")) {
    add(run(paste0("cusum-", tr), "cusum", observed, freq, list(range = r, trans = tr)))
    add(run(paste0("cusum-", tr, "-k05-h4"), "cusum", observed, freq, list(range = half, trans = tr, k = 0.5, h = 4)))
  }
  add(run("cusum-m-scalar", "cusum", observed, freq, list(range = r, m = max(0.5, mean(observed)))))
  add(run("cusum-m-vector", "cusum", observed, freq, list(range = r, m = seq(0.5, 2 * mean(observed) + 1, length.out = length(r)))))
  add(run("glrnb-default", "glrnb", observed, freq, list(range = r, alpha = 0, ret = "value")))
  add(run("glrnb-cases", "glrnb", observed, freq, list(range = r, alpha = 0, ret = "cases")))
  add(run("glrnb-c3", "glrnb", observed, freq, list(range = half, alpha = 0, ret = "value", c.ARL = 3)))
  add(run("glrnb-S2-trend", "glrnb", observed, freq, list(range = r, alpha = 0, ret = "value", mu0 = list(S = 2, trend = TRUE))))
  add(run("glrnb-mu0-given", "glrnb", observed, freq, list(range = r, alpha = 0, ret = "value", mu0 = rep(max(0.5, mean(observed)), length(r)))))
  cases
}

write_fixture <- function(name, observed, freq, note) {
  fx <- list(name = name, note = note, frequency = freq, observed = as.integer(observed),
             surveillance = as.character(packageVersion("surveillance")),
             cases = cases_for(observed, freq))
  write_json(fx, file.path(out_dir, paste0("ears-cusum-glr-", name, ".json")), auto_unbox = TRUE, null = "null", na = "null", digits = NA)
  cat("wrote", name, length(fx$cases), "cases\n")
}

# 1. Salmonella Agona, weekly, UK 1990-1995 (ships with surveillance).
agona <- read.table(system.file("extdata", "salmonella.agona.txt", package = "surveillance"), header = TRUE)
write_fixture("salmonella-agona", agona$observed, 52, "salmonella.agona.txt from R surveillance")

# 2. Simulated daily series: seasonality, weekday effect, a zero stretch and two outbreaks.
set.seed(20240501)
t <- 1:730
mu <- exp(log(3) + 0.4 * sin(2 * pi * t / 365)) * ifelse(t %% 7 %in% c(0, 6), 0.5, 1.1)
daily <- rpois(length(t), mu)
daily[300:321] <- 0
daily[500:508] <- daily[500:508] + rpois(9, 8)
daily[640:642] <- daily[640:642] + c(15, 20, 10)
write_fixture("sim-daily", daily, 365, "set.seed(20240501); Poisson, weekday effect, zeros 300-321, outbreaks 500-508 and 640-642")

# 3. Simulated sparse weekly series: mostly zeros, one outbreak.
set.seed(7)
w <- 1:260
weekly <- rpois(length(w), 0.6 * exp(0.5 * cos(2 * pi * w / 52)))
weekly[200:204] <- weekly[200:204] + c(3, 6, 8, 4, 2)
write_fixture("sim-weekly-sparse", weekly, 52, "set.seed(7); sparse seasonal Poisson, outbreak weeks 200-204")
